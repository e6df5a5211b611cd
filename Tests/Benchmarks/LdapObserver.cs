using System.DirectoryServices.Protocols;
using System.Net;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>Watches slapd over its plain loopback setup port with one persistent connection (cheap polling).</summary>
internal sealed class LdapObserver : IDisposable
{
    private const string Operations = "cn=Operations,cn=Monitor";
    private readonly LdapConnection _connection;
    private long _requests;

    /// <summary>
    /// Requests this observer has sent (each one an operation slapd counts in <c>cn=Monitor</c>): subtracted from
    /// slapd's counters so that the operations per user are the agent's own.
    /// </summary>
    public long Requests => Interlocked.Read(ref _requests);

    public LdapObserver(SlapdServer slapd)
    {
        _connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", slapd.Port)) { AuthType = AuthType.Basic };
        _connection.SessionOptions.ProtocolVersion = 3;
        _connection.Bind(new NetworkCredential(SlapdServer.AdminDn, SlapdServer.AdminPassword));
    }

    public bool Exists(string uid)
    {
        var response = (SearchResponse)Send(new SearchRequest("ou=People,dc=example,dc=com", $"(uid={uid})", SearchScope.OneLevel, "1.1"));
        return response.Entries.Count > 0;
    }

    /// <summary>
    /// Counts the entries matching <paramref name="filter"/> one level under <paramref name="baseDn"/>: one search that
    /// returns DNs only (no attributes), as the rootdn (no size limit).
    /// </summary>
    public int Count(string baseDn, string filter)
    {
        var response = (SearchResponse)Send(new SearchRequest(baseDn, filter, SearchScope.OneLevel, "1.1"));
        return response.Entries.Count;
    }

    /// <summary>The DNs of the entries one level under <paramref name="baseDn"/> matching <paramref name="filter"/> (no attributes).</summary>
    public List<string> Dns(string baseDn, string filter)
    {
        var response = (SearchResponse)Send(new SearchRequest(baseDn, filter, SearchScope.OneLevel, "1.1"));
        return [.. response.Entries.Cast<SearchResultEntry>().Select(e => e.DistinguishedName)];
    }

    /// <summary>True when the entry <paramref name="dn"/> exists and matches <paramref name="filter"/> (a base search, no attributes).</summary>
    public bool Matches(string dn, string filter)
    {
        try
        {
            return ((SearchResponse)Send(new SearchRequest(dn, filter, SearchScope.Base, "1.1"))).Entries.Count > 0;
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return false;
        }
    }

    /// <summary>The first value of <paramref name="attribute"/> on the first entry one level under <paramref name="baseDn"/> matching <paramref name="filter"/>.</summary>
    public string? FirstValue(string baseDn, string filter, string attribute)
    {
        var response = (SearchResponse)Send(new SearchRequest(baseDn, filter, SearchScope.OneLevel, attribute));
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

    /// <summary>
    /// slapd's completed operations by kind (<c>monitorOpCompleted</c> of each <c>cn=KIND,cn=Operations,cn=Monitor</c>:
    /// Bind, Unbind, Search, Compare, Modify, Modrdn, Add, Delete, Abandon, Extended); needs <see cref="SlapdServer.Monitor"/>.
    /// </summary>
    public OperationCounts Completed()
    {
        var response = (SearchResponse)Send(new SearchRequest(Operations, "(objectClass=*)", SearchScope.OneLevel, "cn", "monitorOpCompleted"));
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (SearchResultEntry entry in response.Entries)
        {
            var kind = (string)entry.Attributes["cn"][0];
            counts[kind] = long.Parse((string)entry.Attributes["monitorOpCompleted"][0], System.Globalization.CultureInfo.InvariantCulture);
        }

        return new OperationCounts(counts);
    }

    /// <summary>
    /// <see cref="Completed()"/> with the observer's request count just before it: between two marks the observer made
    /// <c>later.Mark - earlier.Mark</c> searches (the earlier read included), see <see cref="OperationCounts.Since"/>.
    /// </summary>
    public (OperationCounts Counts, long Mark) Mark()
    {
        var mark = Requests;
        return (Completed(), mark);
    }

    /// <summary>slapd's completed operations of one kind (a base search of its monitor entry).</summary>
    public long Completed(string kind)
    {
        var response = (SearchResponse)Send(new SearchRequest($"cn={kind},{Operations}", "(objectClass=*)", SearchScope.Base, "monitorOpCompleted"));
        return long.Parse((string)response.Entries[0].Attributes["monitorOpCompleted"][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private DirectoryResponse Send(DirectoryRequest request)
    {
        Interlocked.Increment(ref _requests);
        return _connection.SendRequest(request);
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>Completed operations by kind, as <c>cn=Monitor</c> counts them.</summary>
internal sealed record OperationCounts(IReadOnlyDictionary<string, long> ByKind)
{
    public static readonly string[] Kinds = ["Add", "Modify", "Search", "Delete", "Modrdn", "Compare", "Extended", "Bind", "Unbind", "Abandon"];

    public long this[string kind] => ByKind.GetValueOrDefault(kind);

    public long Total => ByKind.Values.Sum();

    /// <summary>What happened between <paramref name="before"/> and this, less <paramref name="ownSearches"/> searches the observer made.</summary>
    public OperationCounts Since(OperationCounts before, long ownSearches)
    {
        var delta = Kinds.ToDictionary(k => k, k => this[k] - before[k], StringComparer.OrdinalIgnoreCase);
        delta["Search"] -= ownSearches;
        return new OperationCounts(delta);
    }

    /// <summary>"2.00 per user (add 1.00, modify 0.50, search 0.50, ...)": the kinds that occurred.</summary>
    public string PerUser(int users) =>
        $"{(double)Total / users:0.00} per user ("
        + string.Join(", ", Kinds.Where(k => this[k] != 0).Select(k => $"{k.ToLowerInvariant()} {(double)this[k] / users:0.000}")) + ")";
}
