using System.DirectoryServices.Protocols;
using System.Net;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Opens authenticated, encrypted LDAP connections as the settings say: LDAPS (default) or StartTLS with the server's
/// certificate validated against the configured CA (or the system store); plain LDAP only under the rules in
/// <see cref="Connect"/>.
/// </summary>
/// <remarks>
/// Linux notes (System.DirectoryServices.Protocols over libldap): VerifyServerCertificate throws, so trust goes
/// through TrustedCertificatesDirectory + StartNewTlsSessionContext; StartTLS needs an anonymous bind first. libldap
/// reports a rejected certificate and a server that is down alike (LDAP 81), so <see cref="TlsProbe"/> tells them apart.
/// </remarks>
public sealed class LdapConnector(AgentSettings settings, string stateDirectory)
{
    private const int PlainLdapPort = 389;
    private const int InvalidCredentials = 49;
    private readonly Uri _url = ParseUrl(settings.LdapUrl);
    private readonly TlsHistory _history = new(System.IO.Path.Combine(stateDirectory, "tls-seen"), TimeProvider.System);

    /// <summary>Set when the connection fell back to plain LDAP; logged at every start.</summary>
    public string? LastWarning { get; private set; }

    /// <summary>True when the last connection is protected by TLS (LDAPS or StartTLS).</summary>
    public bool Encrypted { get; private set; }

    private bool Ldaps => _url.Scheme == "ldaps" && !settings.StartTls;

    private int SecurePort => _url.Port != -1 ? _url.Port : _url.Scheme == "ldaps" ? 636 : PlainLdapPort;

    /// <summary>
    /// Connects and binds. Throws <see cref="DirectoryCheckException"/> for what retrying cannot fix (a certificate that
    /// does not validate, refused credentials, a directory without TLS) and <see cref="LdapException"/> for transient
    /// faults.
    /// </summary>
    /// <remarks>
    /// Plain LDAP is a last resort with rules that a man in the middle cannot talk the agent out of: only for an
    /// <c>ldap://</c> URL with both insecure flags, only when the server offers no TLS at all (a certificate that does
    /// not validate is never a reason), never with a server that has spoken TLS to this agent before (recorded in the
    /// state folder), and never with a simple bind: the service account's password is not sent in clear, so plain
    /// LDAP authenticates with Kerberos (SASL GSSAPI, which also signs and seals the traffic) or not at all.
    /// </remarks>
    public LdapConnection Connect()
    {
        LastWarning = null;
        try
        {
            var secure = ConnectSecure();
            Encrypted = true;
            _history.RecordTls(_url.Host, SecurePort);
            return secure;
        }
        catch (Exception ex) when (ex is LdapException { ErrorCode: not InvalidCredentials } or DirectoryOperationException)
        {
            var (verdict, detail) = TlsProbe.Check(_url.Host, SecurePort, startTls: !Ldaps, settings.LdapCaPem, TimeSpan.FromSeconds(10));
            switch (verdict)
            {
                case TlsProbe.Verdict.CertificateRejected:
                    throw new DirectoryCheckException($"the directory's certificate at {_url.Host}:{SecurePort} does not validate: {detail}");
                case TlsProbe.Verdict.NoTls when !settings.AllowInsecureLdap:
                    throw new DirectoryCheckException($"the directory at {_url.Host}:{SecurePort} does not offer TLS: {detail}; use ldaps://, --starttls, or allow plain LDAP with --allow-insecure-ldap --accept-insecure-ldap-risk");
                case TlsProbe.Verdict.NoTls:
                    return ConnectPlain(detail);
                default:
                    throw;
            }
        }
    }

    private LdapConnection ConnectPlain(string detail)
    {
        if (Ldaps)
        {
            throw new DirectoryCheckException($"TLS with {_url.Host}:{SecurePort} failed ({detail}); an ldaps:// URL never falls back to plain LDAP");
        }

        if (_history.SpokeTls(_url.Host, SecurePort) is { } since)
        {
            throw new DirectoryCheckException($"the directory at {_url.Host}:{SecurePort} spoke TLS to this agent before (first on {since:yyyy-MM-dd}) and now offers none ({detail}); refusing plain LDAP, since something in the network path may be stripping StartTLS. Restore TLS on the directory, or delete {_history.Path} if TLS was switched off on purpose");
        }

        // Kerberos only: a simple bind would send the service account's password in clear.
        var connection = Create(SecurePort, ssl: false);
        connection.AuthType = AuthType.Kerberos;
        try
        {
            connection.Bind();
        }
        catch (LdapException ex)
        {
            connection.Dispose();
            throw new DirectoryCheckException($"the directory at {_url.Host}:{SecurePort} offers no TLS ({detail}) and the agent never sends the service account's password in clear: plain LDAP needs a Kerberos ticket for the service account (a keytab in KRB5_CLIENT_KTNAME, or KRB5CCNAME), and the Kerberos bind failed (LDAP {ex.ErrorCode} {(ex.ServerErrorMessage ?? ex.Message).Trim('\0', ' ')}). Better: enable LDAPS or StartTLS on the directory");
        }

        Encrypted = false;
        LastWarning = $"the directory at {_url.Host}:{SecurePort} offers no TLS ({detail}); using plain LDAP with a Kerberos bind as allowed at install (--allow-insecure-ldap). Passwords are not synced.";
        return connection;
    }

    private LdapConnection ConnectSecure()
    {
        var connection = Create(SecurePort, ssl: Ldaps);
        try
        {
            ConfigureTrust(connection);
            if (!Ldaps)
            {
                // libldap's StartTLS before the first bind goes to localhost:389: bind anonymously first.
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.SessionOptions.StartTransportLayerSecurity(null);
                connection.AuthType = AuthType.Basic;
            }

            try
            {
                connection.Bind(Credential());
            }
            catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
            {
                throw Refused(ex);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private DirectoryCheckException Refused(LdapException ex) =>
        new($"the directory refused the service account '{settings.BindUser}' (LDAP 49 {(ex.ServerErrorMessage ?? ex.Message).Trim('\0', ' ')}); fix --bind-user / --bind-password-file and re-run install");

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

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("--ldap-ca-cert is for Linux agents; on Windows import the CA into the machine's trust store");
        }

        var caDirectory = Path.Combine(stateDirectory, "ldap-ca");
        System.IO.Directory.CreateDirectory(caDirectory);
        var caFile = Path.Combine(caDirectory, "ca.pem");
        if (!File.Exists(caFile) || File.ReadAllText(caFile) != settings.LdapCaPem)
        {
            File.WriteAllText(caFile, settings.LdapCaPem);
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
