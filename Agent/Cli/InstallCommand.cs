using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Cli;

/// <summary><c>install</c>: validates the installer's settings and writes the settings file (or upgrades it).</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var controlPlane = CliOptions.Text("--control-plane", "Control plane URL, e.g. https://jumpcloud.example.com (agents connect out on 443).", required: true);
        var caCert = CliOptions.Text("--ca-cert", "PEM file with the CA (or self-signed certificate) the control plane's certificate must chain to.");
        var pin = CliOptions.Text("--pin", "SHA-256 fingerprint (hex) of the control plane's certificate, as the control plane prints it at start.");
        var connectKey = CliOptions.Text("--connect-key", "One-time connect key from POST /api/v2/activedirectories/{id}/agents (valid for the control plane's ConnectKeys:LifetimeDays, 7 by default). Omit to upgrade an installed agent.");
        var serverType = CliOptions.Choice("--server-type", "Where the agent runs: dc = on the domain controller it writes to; member = on a member server, writing to --ldap-url", "member", "dc", "member");
        var ldapUrl = CliOptions.Text("--ldap-url", "Directory URL, e.g. ldaps://dc1.example.com:636 (required for --server-type member; dc defaults to this host on 636).");
        var ldapCaCert = CliOptions.Text("--ldap-ca-cert", "PEM file with the CA that issued the directory's certificate (default: the system trust store).");
        var startTls = CliOptions.Flag("--starttls", "Use StartTLS on an ldap:// URL instead of LDAPS.");
        var allowInsecure = CliOptions.Flag("--allow-insecure-ldap", "For an ldap:// URL: allow plain LDAP with a Kerberos bind when the directory offers no TLS at all (never after a certificate rejection, never with a directory that spoke TLS before; the service account's password is never sent in clear). Requires --accept-insecure-ldap-risk.");
        var acceptRisk = CliOptions.Flag("--accept-insecure-ldap-risk", "Acknowledge that plain LDAP exposes directory traffic on the network.");
        var rootUserDn = CliOptions.Text("--root-user-dn", "Root user container, semicolon form with capital types, e.g. \"OU=People;DC=example;DC=com\".", required: true);
        var bindUser = CliOptions.Text("--bind-user", "Service account the agent binds as (UPN, DN, or rootdn on OpenLDAP); must not be a Domain Admin.", required: true);
        var bindPasswordFile = CliOptions.Text("--bind-password-file", "File holding the service account's password (read once, stored encrypted).", required: true);
        var syncGroupDn = CliOptions.Text("--sync-group-dn", "Existing security group that is the parent of every synced group, e.g. \"CN=JumpCloud Groups;OU=Groups;DC=example;DC=com\" (sync agents; required for them).");
        var agentType = CliOptions.Choice("--agent-type", "sync: writes JumpCloud's users and groups into the directory; import: reads the members of the ADI security group into JumpCloud (read-only account, never writes to the directory)", AgentType.Sync, lowerCase: true);
        var importGroupDn = CliOptions.Text("--import-group-dn", "Import agents: the ADI security group whose members, and the members of the groups nested in it, are imported (default \"CN=JumpCloud;\" + --root-user-dn).");
        var userFieldMapping = CliOptions.Choice("--user-field-mapping", "Import agents: the AD attribute the JumpCloud username comes from (OpenLDAP: always uid)", "samaccountname", "samaccountname", "userprincipalname");
        var syncAdditional = CliOptions.Choice("--sync-additional-attributes", "Import agents: also import display name, description, job title, department, company, location, employee type, phone numbers, addresses and manager", "true", "true", "false");
        var takeover = CliOptions.Choice("--user-takeover-action", "Import agents: what happens to an existing JumpCloud user with the same username (takeover: it is managed from AD from now on; skip: left alone and reported)", "takeover", "takeover", "skip");
        var dissociation = CliOptions.Choice("--user-dissociation-action", "Import agents: what happens in JumpCloud to a user removed from the group, disabled or deleted in AD (remove: deleted; unbind: kept, no longer managed from AD)", "remove", "remove", "unbind");
        var pollSeconds = new Option<int>("--poll-seconds") { Description = "Import agents: seconds between reads of the directory.", DefaultValueFactory = _ => 90 };
        var groupDisconnection = CliOptions.Choice("--group-disconnection-action", "What happens to a group unbound from the domain", DisconnectionAction.Retain);
        var userDisconnection = CliOptions.Choice("--user-disconnection-action", "What happens to a user unbound from the domain or deleted", UserDisconnectionAction.Disable);
        var membershipDisconnection = CliOptions.Choice("--membership-disconnection-action", "What happens to a user's group memberships when it is unbound", DisconnectionAction.Remove);
        var membershipSyncType = CliOptions.Choice("--group-membership-sync-type", "minimal: direct member of its own groups only; match: also of every parent group up to the sync group", GroupMembershipSyncType.Minimal);
        var service = CliOptions.Flag("--service", "Linux: also install the agent as a systemd service (Type=notify with a watchdog, sandboxed, running as --service-user, which alone can read and write the settings folder) and start it. Needs root.");
        var serviceUser = CliOptions.Text("--service-user", $"With --service: the dedicated system user the service runs as, created if missing (default {ServiceInstaller.DefaultUser}).");
        var unitDirectory = CliOptions.Text("--systemd-unit-dir", $"With --service: where the unit file goes (default {ServiceInstaller.DefaultUnitDirectory}).");
        var noStart = CliOptions.Flag("--no-start", "With --service: write the unit and user but do not enable or start the service.");
        var memberRange = new Option<int?>("--ad-member-range")
        {
            Description = "AD / Samba only: read a group's members N at a time (ranged reads) from the first read on; default: as the DC returns them (Windows at most 1500 per read, Samba all at once).",
        };
        var lockedOut = CliOptions.Choice("--sync-account-locked-out-status", "true: unlock an AD account only when its JumpCloud account is explicitly unlocked", "false", "true", "false");

        var command = new Command("install", "Write the agent's settings file for a domain, with a one-time connect key. Re-run without --connect-key to change settings and keep the agent's identity.")
        {
            config, controlPlane, caCert, pin, connectKey, serverType, ldapUrl, ldapCaCert, startTls, allowInsecure, acceptRisk,
            rootUserDn, bindUser, bindPasswordFile, syncGroupDn, groupDisconnection, userDisconnection, membershipDisconnection,
            membershipSyncType, lockedOut, memberRange, service, serviceUser, unitDirectory, noStart,
            agentType, importGroupDn, userFieldMapping, syncAdditional, takeover, dissociation, pollSeconds,
        };

        command.SetAction(result =>
        {
            var path = result.GetValue(config)!;
            var existing = SettingsStore.Exists(path) ? SettingsStore.Load(path) : null;
            var key = result.GetValue(connectKey);
            if (existing is null && string.IsNullOrWhiteSpace(key))
            {
                throw new SettingsException("--connect-key is required for a new installation (create one with POST /api/v2/activedirectories/{id}/agents)");
            }

            var settings = existing ?? new AgentSettings();
            if (!string.IsNullOrWhiteSpace(key))
            {
                // A new key means a new enrollment: forget any previous identity.
                settings.ConnectKey = key.Trim();
                settings.AgentId = null;
                settings.AgentCredential = null;
                settings.AgentPrivateKey = null;
                settings.DomainId = null;
                settings.Domain = null;
            }

            settings.ControlPlaneUrl = ValidateControlPlaneUrl(result.GetValue(controlPlane)!);
            var ca = result.GetValue(caCert);
            var pinValue = result.GetValue(pin);
            if (ca is not null && pinValue is not null)
            {
                throw new SettingsException("give either --ca-cert or --pin, not both");
            }

            settings.ControlPlaneCaPem = ca is null ? null : ReadCertificatePem(ca, "--ca-cert");
            settings.ControlPlanePin = pinValue is null ? null : ValidatePin(pinValue);
            settings.ServerType = result.GetValue(serverType)!;
            settings.StartTls = result.GetValue(startTls);
            var insecure = result.GetValue(allowInsecure);
            if (insecure != result.GetValue(acceptRisk))
            {
                throw new SettingsException("plain LDAP needs both --allow-insecure-ldap and --accept-insecure-ldap-risk");
            }

            settings.AllowInsecureLdap = insecure;
            settings.LdapUrl = ValidateLdapUrl(result.GetValue(ldapUrl), settings);
            var ldapCa = result.GetValue(ldapCaCert);
            settings.LdapCaPem = ldapCa is null ? null : ReadCertificatePem(ldapCa, "--ldap-ca-cert");
            settings.RootUserDn = ValidateDn(result.GetValue(rootUserDn)!, "--root-user-dn");
            var type = agentType.ValueIn(result);
            if (existing?.AgentId is not null && string.IsNullOrWhiteSpace(key) && existing.AgentType != type)
            {
                throw new SettingsException($"this agent is enrolled as a {existing.AgentType.ToWire()} agent; changing it to {type.ToWire()} needs a new connect key of that type");
            }

            settings.AgentType = type;
            if (type == AgentType.Import)
            {
                Import.ImportInstall.Apply(settings, result.GetValue(importGroupDn), result.GetValue(userFieldMapping)!, result.GetValue(syncAdditional) == "true",
                    result.GetValue(takeover)!, result.GetValue(dissociation)!, result.GetValue(pollSeconds), result.GetValue(syncGroupDn));
            }
            else
            {
                settings.SyncGroupDn = ValidateDn(result.GetValue(syncGroupDn)
                    ?? throw new SettingsException("--sync-group-dn is required for a sync agent"), "--sync-group-dn");
            }

            settings.BindUser = result.GetValue(bindUser)!;
            settings.BindPassword = ReadPassword(result.GetValue(bindPasswordFile)!);
            settings.GroupDisconnectionAction = groupDisconnection.ValueIn(result);
            settings.UserDisconnectionAction = userDisconnection.ValueIn(result);
            settings.MembershipDisconnectionAction = membershipDisconnection.ValueIn(result);
            settings.GroupMembershipSyncType = membershipSyncType.ValueIn(result);
            settings.SyncAccountLockedOutStatus = result.GetValue(lockedOut) == "true";
            var range = result.GetValue(memberRange);
            if (range is <= 0)
            {
                throw new SettingsException($"--ad-member-range {range} must be a positive number of values per read");
            }

            settings.AdMemberRange = range;

            var asService = result.GetValue(service);
            var user = result.GetValue(serviceUser) ?? ServiceInstaller.DefaultUser;
            if (!asService && (result.GetValue(serviceUser) is not null || result.GetValue(unitDirectory) is not null || result.GetValue(noStart)))
            {
                throw new SettingsException("--service-user, --systemd-unit-dir and --no-start go with --service");
            }

            if (asService)
            {
                ServiceInstaller.Validate(path, user);
            }

            SettingsStore.Save(path, settings);
            Console.WriteLine(existing is not null && settings.AgentId is not null
                ? $"Updated {path}; the agent keeps its identity {settings.AgentId}."
                : asService
                    ? $"Installed: settings written to {path}."
                    : $"Installed: settings written to {path}. Start the agent with: run --config {path} (or install it as a service with --service)");
            if (asService)
            {
                if (!OperatingSystem.IsLinux())
                {
                    throw ServiceInstaller.NotLinux("install --service");
                }

                ServiceInstaller.Install(path, user, result.GetValue(unitDirectory) ?? ServiceInstaller.DefaultUnitDirectory, start: !result.GetValue(noStart));
            }

            return 0;
        });
        return command;
    }

    private static string ValidateControlPlaneUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new SettingsException($"--control-plane '{url}' must be an https:// URL (agents only talk TLS)");
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    private static string ValidatePin(string pin)
    {
        var hex = pin.Replace(":", "", StringComparison.Ordinal).Trim();
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit)
            ? hex.ToUpperInvariant()
            : throw new SettingsException("--pin must be a SHA-256 fingerprint: 64 hex digits, colons allowed");
    }

    private static string ValidateLdapUrl(string? url, AgentSettings settings)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            if (settings.ServerType == "member")
            {
                throw new SettingsException("--ldap-url is required with --server-type member (e.g. ldaps://dc1.example.com:636)");
            }

            url = $"ldaps://{System.Net.Dns.GetHostEntry(string.Empty).HostName}:636";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps") || string.IsNullOrEmpty(uri.Host))
        {
            throw new SettingsException($"--ldap-url '{url}' must look like ldaps://HOST:636 or ldap://HOST:389");
        }

        if (uri.Scheme == "ldaps" && settings.AllowInsecureLdap)
        {
            throw new SettingsException($"--allow-insecure-ldap applies to ldap:// URLs only: '{url}' is LDAPS, which never falls back to plain LDAP");
        }

        if (uri.Scheme == "ldap" && !settings.StartTls && !settings.AllowInsecureLdap)
        {
            throw new SettingsException($"--ldap-url '{url}' is plain LDAP; use ldaps://, add --starttls, or allow it with --allow-insecure-ldap --accept-insecure-ldap-risk");
        }

        return url;
    }

    internal static string ValidateDn(string dn, string option) =>
        SemicolonDn.TryParse(dn, out var parsed, out var error) ? parsed.ToString() : throw new SettingsException($"{option}: {error}");

    private static string ReadCertificatePem(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new SettingsException($"{option} file {path} does not exist");
        }

        try
        {
            using var cert = X509CertificateLoader.LoadCertificateFromFile(path);
            return cert.ExportCertificatePem();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new SettingsException($"{option} file {path} is not a PEM or DER certificate");
        }
    }

    private static string ReadPassword(string path)
    {
        if (!File.Exists(path))
        {
            throw new SettingsException($"--bind-password-file {path} does not exist");
        }

        var password = File.ReadAllText(path).TrimEnd('\r', '\n');
        return password.Length > 0 ? password : throw new SettingsException($"--bind-password-file {path} is empty");
    }
}
