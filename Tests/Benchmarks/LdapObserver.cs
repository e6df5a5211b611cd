using System.DirectoryServices.Protocols;
using System.Net;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>Watches slapd over its plain loopback setup port with one persistent connection (cheap polling).</summary>
internal sealed class LdapObserver : IDisposable
{
    private readonly LdapConnection _connection;

    public LdapObserver(SlapdServer slapd)
    {
        _connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", slapd.Port)) { AuthType = AuthType.Basic };
        _connection.SessionOptions.ProtocolVersion = 3;
        _connection.Bind(new NetworkCredential(SlapdServer.AdminDn, SlapdServer.AdminPassword));
    }

    public bool Exists(string uid)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest("ou=People,dc=example,dc=com", $"(uid={uid})", SearchScope.OneLevel, "1.1"));
        return response.Entries.Count > 0;
    }

    public async Task<double> WaitForAsync(string uid, long startTimestamp, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Exists(uid))
            {
                return System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
            }

            await Task.Delay(1);
        }

        throw new TimeoutException($"{uid} did not appear in slapd within {timeout.TotalSeconds} s");
    }

    public void Dispose() => _connection.Dispose();
}
