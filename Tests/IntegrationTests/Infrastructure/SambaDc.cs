using System.Diagnostics;
using System.Text;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// One throwaway Samba AD DC for the whole test run (its LDAP ports are fixed at 389/636, so only one per machine),
/// provisioned for EXAMPLE.COM with a CA-signed certificate, OU=People, the sync group and a delegated service
/// account <c>jcsync</c> (Account Operators, not a Domain Admin). Killed on dispose.
/// </summary>
public sealed class SambaDc : IDirectoryServer, IAsyncLifetime
{
    public const string AdminPassword = "Passw0rd!Passw0rd";
    public const string AdminDn = "CN=Administrator,CN=Users,DC=example,DC=com";
    public const string SyncPassword = "Sync!Passw0rd1";
    public const string BaseDn = "DC=example,DC=com";

    /// <summary>Service accounts the agent must refuse to run as (all with <see cref="SyncPassword"/>, except the Administrator).</summary>
    public const string NamedJumpCloudUser = "JumpCloud@example.com";
    public const string InJumpCloudGroupUser = "jcingroup@example.com";

    private static readonly string _directory = Path.Combine(Path.GetTempPath(), "jcadi-samba");
    private Process? _process;
    private TestCertificates? _certificates;

    public string LdapsUrl => "ldaps://127.0.0.1:636";
    public string CaPath => _certificates!.CaPath;
    public string RootUserDn => "OU=People;DC=example;DC=com";
    public string SyncGroupDn => "CN=JumpCloud Groups;OU=Groups;DC=example;DC=com";
    public string BindUser => "jcsync@example.com";
    public string BindPassword => SyncPassword;

    public Task InitializeAsync() => ProvisionAndStartAsync(rebuild: false);

    /// <summary>
    /// A rebuilt DC: this one is stopped and a fresh one is provisioned for the same domain (same certificate, same
    /// service account and OUs), so every account made since the start is gone.
    /// </summary>
    public async Task RebuildAsync()
    {
        Processes.Stop(_process);
        _process?.Dispose();
        _process = null;
        KillLeftover();
        await ProvisionAndStartAsync(rebuild: true);
    }

    private async Task ProvisionAndStartAsync(bool rebuild)
    {
        KillLeftover();
        if (Directory.Exists(_directory))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(_directory))
            {
                if (rebuild && Path.GetFileName(entry) == "tls")
                {
                    continue;
                }

                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }

        Directory.CreateDirectory(_directory);
        (await Processes.RunAsync("samba-tool", [
            "domain", "provision", "--realm=EXAMPLE.COM", "--domain=EXAMPLE", "--server-role=dc", "--dns-backend=NONE",
            "--use-rfc2307", $"--adminpass={AdminPassword}", "--host-ip=127.0.0.1", $"--targetdir={_directory}",
            "--option=interfaces = lo", "--option=bind interfaces only = yes",
        ], timeout: TimeSpan.FromMinutes(3))).EnsureSuccess("samba-tool domain provision");
        (await Processes.RunAsync("samba-tool", ["domain", "passwordsettings", "set", "-H", Path.Combine(_directory, "private/sam.ldb"), "--min-pwd-age=0"]))
            .EnsureSuccess("samba-tool domain passwordsettings");

        if (!rebuild || _certificates is null)
        {
            _certificates = TestCertificates.Create(Path.Combine(_directory, "tls"), "samba");
        }
        var conf = Path.Combine(_directory, "etc/smb.conf");
        var global = new StringBuilder();
        foreach (var line in await File.ReadAllLinesAsync(conf))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed != "[global]")
            {
                break;
            }

            global.AppendLine(trimmed.StartsWith("server services", StringComparison.Ordinal) ? "\tserver services = ldap" : line);
        }

        Directory.CreateDirectory(Path.Combine(_directory, "run"));
        Directory.CreateDirectory(Path.Combine(_directory, "log"));
        global.AppendLine($"\tpid directory = {_directory}/run")
            .AppendLine($"\tncalrpc dir = {_directory}/run/ncalrpc")
            .AppendLine($"\twinbindd socket directory = {_directory}/run/winbindd")
            .AppendLine($"\tntp signd socket directory = {_directory}/run/ntp_signd")
            .AppendLine($"\tlog file = {_directory}/log/log.%m")
            .AppendLine("\tdisable netbios = yes")
            .AppendLine("\ttls enabled = yes")
            .AppendLine($"\ttls keyfile = {_certificates.KeyPath}")
            .AppendLine($"\ttls certfile = {_certificates.CertPath}")
            .AppendLine($"\ttls cafile = {_certificates.CaPath}");
        await File.WriteAllTextAsync(conf, global.ToString());

        var info = new ProcessStartInfo("samba") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-i", "-s", conf })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        var output = new StringBuilder();
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Processes.WaitUntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"samba exited with {_process.ExitCode} (is something else on 389/636?): {output}");
                }
            }

            return (await SearchBaseAsync()).Count > 0;
        }, TimeSpan.FromSeconds(90), "Samba AD DC answering on LDAPS");

        await ModifyAsync("""
            dn: OU=People,DC=example,DC=com
            changetype: add
            objectClass: organizationalUnit
            ou: People

            dn: OU=Groups,DC=example,DC=com
            changetype: add
            objectClass: organizationalUnit
            ou: Groups

            dn: CN=JumpCloud Groups,OU=Groups,DC=example,DC=com
            changetype: add
            objectClass: group
            cn: JumpCloud Groups
            sAMAccountName: jcgroups
            groupType: -2147483646

            dn: CN=JumpCloud Sync,CN=Users,DC=example,DC=com
            changetype: add
            objectClass: user
            cn: JumpCloud Sync
            givenName: JumpCloud
            sn: Sync
            sAMAccountName: jcsync
            userPrincipalName: jcsync@example.com
            userAccountControl: 514
            """);
        var password = Convert.ToBase64String(Encoding.Unicode.GetBytes($"\"{SyncPassword}\""));
        await ModifyAsync($"""
            dn: CN=JumpCloud Sync,CN=Users,DC=example,DC=com
            changetype: modify
            replace: unicodePwd
            unicodePwd:: {password}
            -
            replace: userAccountControl
            userAccountControl: 66048
            -

            dn: CN=Account Operators,CN=Builtin,DC=example,DC=com
            changetype: modify
            add: member
            member: CN=JumpCloud Sync,CN=Users,DC=example,DC=com
            -
            """);
        await AddRefusedAccountsAsync(password);
    }

    /// <summary>An account named JumpCloud, and one in a group named JumpCloud: the start-up checks must refuse both.</summary>
    private async Task AddRefusedAccountsAsync(string encodedPassword)
    {
        var ldif = new StringBuilder();
        foreach (var (cn, sam) in new[] { ("JumpCloud Account", "JumpCloud"), ("In JumpCloud Group", "jcingroup") })
        {
            ldif.AppendLine($"""
                dn: CN={cn},CN=Users,DC=example,DC=com
                changetype: add
                objectClass: user
                sAMAccountName: {sam}
                userPrincipalName: {sam}@example.com
                userAccountControl: 514

                dn: CN={cn},CN=Users,DC=example,DC=com
                changetype: modify
                replace: unicodePwd
                unicodePwd:: {encodedPassword}
                -
                replace: userAccountControl
                userAccountControl: 66048
                -

                """);
        }

        ldif.AppendLine("""
            dn: CN=JumpCloud,CN=Users,DC=example,DC=com
            changetype: add
            objectClass: group
            sAMAccountName: jcnamedgroup
            groupType: -2147483646
            member: CN=In JumpCloud Group,CN=Users,DC=example,DC=com
            """);
        await ModifyAsync(ldif.ToString());
    }

    /// <summary>The domain's minimum password length (<c>samba-tool domain passwordsettings set --min-pwd-length</c>); the default is 7.</summary>
    public async Task SetMinPasswordLengthAsync(int length) =>
        (await Processes.RunAsync("samba-tool", ["domain", "passwordsettings", "set", "-H", Path.Combine(_directory, "private/sam.ldb"), $"--min-pwd-length={length}"]))
            .EnsureSuccess("samba-tool domain passwordsettings set --min-pwd-length");

    private Task<List<LdapEntry>> SearchBaseAsync() =>
        LdapTools.SearchAsync(LdapsUrl, CaPath, AdminDn, AdminPassword, BaseDn, "(objectClass=domain)", "base", ["dn"]);

    public Task ModifyAsync(string ldif) => LdapTools.ModifyAsync(LdapsUrl, CaPath, AdminDn, AdminPassword, ldif);

    public Task<List<LdapEntry>> SearchAsync(string baseDn, string filter, params string[] attributes) =>
        LdapTools.SearchAsync(LdapsUrl, CaPath, AdminDn, AdminPassword, baseDn, filter, "sub", attributes);

    public Task<bool> CanBindAsync(string who, string password) => LdapTools.CanBindAsync(LdapsUrl, CaPath, who, password);

    public Task DisposeAsync()
    {
        Processes.Stop(_process);
        _process?.Dispose();
        KillLeftover();
        return Task.CompletedTask;
    }

    /// <summary>A DC left behind by a crashed earlier run would hold 389/636: stop it by its pid file.</summary>
    private static void KillLeftover()
    {
        var pidFile = Path.Combine(_directory, "run", "samba.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        try
        {
            using var leftover = Process.GetProcessById(pid);
            if (leftover.ProcessName.StartsWith("samba", StringComparison.Ordinal))
            {
                leftover.Kill(entireProcessTree: true);
                leftover.WaitForExit(10_000);
            }
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
