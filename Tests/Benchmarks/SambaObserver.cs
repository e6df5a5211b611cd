using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// Watches the Samba AD DC over one persistent LDAPS connection as the Administrator (the DC's CA trusted, full
/// validation), so that polling during a drain costs Samba a base search of the root DSE, not a TLS handshake and a
/// listing of every user each time.
/// </summary>
internal sealed class SambaObserver : IDisposable
{
    private readonly LdapConnection _connection;

    public SambaObserver(SambaDc dc, string directory)
    {
        Directory.CreateDirectory(directory);
        File.Copy(dc.CaPath, Path.Combine(directory, "ca.pem"), overwrite: true);
        _connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", 636, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _connection.SessionOptions.ProtocolVersion = 3;
        _connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        _connection.SessionOptions.SecureSocketLayer = true;
        _connection.SessionOptions.TrustedCertificatesDirectory = directory;
        _connection.SessionOptions.StartNewTlsSessionContext();
        _connection.Bind(new NetworkCredential(SambaDc.AdminDn, SambaDc.AdminPassword));
    }

    /// <summary>The DC's highest committed update sequence number: every add or modify that commits takes the next one.</summary>
    public long HighestUsn()
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest("", "(objectClass=*)", SearchScope.Base, "highestCommittedUSN"));
        return long.Parse((string)response.Entries[0].Attributes["highestCommittedUSN"][0], CultureInfo.InvariantCulture);
    }

    /// <summary>Entries directly under <paramref name="baseDn"/> matching <paramref name="filter"/>: DNs only, paged (Samba returns at most 1,000 a page).</summary>
    public int Count(string baseDn, string filter)
    {
        var request = new SearchRequest(baseDn, filter, SearchScope.OneLevel, "1.1");
        var paging = new PageResultRequestControl(1000);
        request.Controls.Add(paging);
        var count = 0;
        while (true)
        {
            var response = (SearchResponse)_connection.SendRequest(request);
            count += response.Entries.Count;
            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is null || cookie.Length == 0)
            {
                return count;
            }

            paging.Cookie = cookie;
        }
    }

    public void Dispose() => _connection.Dispose();
}
