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

    /// <summary>
    /// Counts the entries matching <paramref name="filter"/> one level under <paramref name="baseDn"/>: one search that
    /// returns DNs only (no attributes), as the rootdn (no size limit).
    /// </summary>
    public int Count(string baseDn, string filter)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.OneLevel, "1.1"));
        return response.Entries.Count;
    }

    /// <summary>The DNs of the entries one level under <paramref name="baseDn"/> matching <paramref name="filter"/> (no attributes).</summary>
    public List<string> Dns(string baseDn, string filter)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.OneLevel, "1.1"));
        return [.. response.Entries.Cast<SearchResultEntry>().Select(e => e.DistinguishedName)];
    }

    /// <summary>True when the entry <paramref name="dn"/> exists and matches <paramref name="filter"/> (a base search, no attributes).</summary>
    public bool Matches(string dn, string filter)
    {
        try
        {
            return ((SearchResponse)_connection.SendRequest(new SearchRequest(dn, filter, SearchScope.Base, "1.1"))).Entries.Count > 0;
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return false;
        }
    }

    /// <summary>The first value of <paramref name="attribute"/> on the first entry one level under <paramref name="baseDn"/> matching <paramref name="filter"/>.</summary>
    public string? FirstValue(string baseDn, string filter, string attribute)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.OneLevel, attribute));
        return response.Entries.Count == 0 ? null : response.Entries[0].Attributes[attribute]?[0] as string;
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
