using System.DirectoryServices.Protocols;
using System.Net;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Opens authenticated, encrypted LDAP connections as the settings say: LDAPS (default) or StartTLS with the server's
/// certificate validated against the configured CA (or the system store); plain LDAP only when both insecure flags
/// were given at install, and then only after TLS failed.
/// </summary>
/// <remarks>
/// Linux notes (System.DirectoryServices.Protocols over libldap): VerifyServerCertificate throws, so trust goes
/// through TrustedCertificatesDirectory + StartNewTlsSessionContext; StartTLS needs an anonymous bind first.
/// </remarks>
public sealed class LdapConnector(AgentSettings settings, string stateDirectory)
{
    private readonly Uri _url = ParseUrl(settings.LdapUrl);

    public string? LastWarning { get; private set; }

    public LdapConnection Connect()
    {
        try
        {
            return ConnectSecure();
        }
        catch (LdapException) when (settings.AllowInsecureLdap)
        {
            LastWarning = $"TLS to {settings.LdapUrl} failed; falling back to plain LDAP as allowed at install. Passwords cannot be synced without encryption.";
            var port = _url.Port is 636 or -1 ? 389 : _url.Port;
            var connection = Create(port, ssl: false);
            connection.Bind(Credential());
            return connection;
        }
    }

    private LdapConnection ConnectSecure()
    {
        var ldaps = _url.Scheme == "ldaps";
        var port = _url.Port != -1 ? _url.Port : ldaps ? 636 : 389;
        var connection = Create(port, ssl: ldaps && !settings.StartTls);
        try
        {
            ConfigureTrust(connection);
            if (!ldaps || settings.StartTls)
            {
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.SessionOptions.StartTransportLayerSecurity(null);
                connection.AuthType = AuthType.Basic;
            }

            connection.Bind(Credential());
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private LdapConnection Create(int port, bool ssl)
    {
        var identifier = new LdapDirectoryIdentifier(_url.Host, port, fullyQualifiedDnsHostName: true, connectionless: false);
        var connection = new LdapConnection(identifier) { AuthType = AuthType.Basic, Timeout = TimeSpan.FromSeconds(30) };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        connection.SessionOptions.SecureSocketLayer = ssl;
        return connection;
    }

    private void ConfigureTrust(LdapConnection connection)
    {
        if (string.IsNullOrEmpty(settings.LdapCaPem))
        {
            return;
        }

        var caDirectory = Path.Combine(stateDirectory, "ldap-ca");
        System.IO.Directory.CreateDirectory(caDirectory);
        var caFile = Path.Combine(caDirectory, "ca.pem");
        if (!File.Exists(caFile) || File.ReadAllText(caFile) != settings.LdapCaPem)
        {
            File.WriteAllText(caFile, settings.LdapCaPem);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("--ldap-ca-cert is for Linux agents; on Windows import the CA into the machine's trust store");
        }

        connection.SessionOptions.TrustedCertificatesDirectory = caDirectory;
        connection.SessionOptions.StartNewTlsSessionContext();
    }

    private NetworkCredential Credential() => new(settings.BindUser, settings.BindPassword);

    private static Uri ParseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "ldap" or "ldaps"
            ? uri
            : throw new SettingsException($"LDAP URL '{url}' is not of the form ldaps://HOST:PORT");
}
