using System.DirectoryServices.Protocols;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Finds users in the root user container, by anchor first, else by username. A batch's users are looked up ahead
/// with a few searches (many usernames and anchors per filter) and answered from that until a write touches them.
/// </summary>
internal sealed class UserFinder
{
    /// <summary>Usernames and anchors asked for in one search: a few kilobytes of filter, well under any size limit.</summary>
    internal const int LookupChunk = 200;

    private readonly DirectorySearch _ldap;
    private readonly DirectoryDialect _dialect;
    private readonly DirectoryScope _scope;
    private readonly KnownEntries<SearchResultEntry> _known;

    /// <param name="known">What another finder looks ahead for the batch (a lane of the writer shares it); null: its own.</param>
    public UserFinder(DirectorySearch ldap, DirectoryDialect dialect, DirectoryScope scope, KnownEntries<SearchResultEntry>? known = null)
    {
        _ldap = ldap;
        _dialect = dialect;
        _scope = scope;
        _known = known ?? NewKnownEntries();
    }

    /// <summary>What this finder learnt ahead, to share with a lane.</summary>
    public KnownEntries<SearchResultEntry> Known => _known;

    /// <summary>
    /// The usernames the look-ahead found on the entry with <paramref name="anchor"/>; null when that is not known
    /// (not looked ahead, forgotten since, or no such entry).
    /// </summary>
    public IEnumerable<string>? KnownNamesOf(string anchor) =>
        _known.TryGetByAnchor(anchor, out var entry) && entry is not null ? entry.AllValues(_dialect.UsernameAttribute) : null;

    public KnownEntries<SearchResultEntry> NewKnownEntries() =>
        new(e => e.DistinguishedName, e => e.AllValues(_dialect.UsernameAttribute), _dialect.AnchorOf);

    /// <summary>Looks up these usernames and anchors ahead (what was learnt before is dropped first).</summary>
    public void LookAhead(IReadOnlyCollection<string> names, IReadOnlyCollection<string> anchors)
    {
        _known.Clear();
        LookUp(_known, names, anchors, _dialect.UserAttributes);
    }

    public void ForgetLookAhead() => _known.Clear();

    /// <summary>A write may have changed the user's entry: it is searched again.</summary>
    public void Forget(string username, string anchor) => _known.Forget(username, anchor);

    /// <summary>Searches the root user container for many usernames and anchors at once and records the answers.</summary>
    public void LookUp(KnownEntries<SearchResultEntry> into, IReadOnlyCollection<string> names, IReadOnlyCollection<string> anchors, string[] attributes)
    {
        var keys = names.Select(n => (Anchor: false, Key: n)).Concat(anchors.Select(a => (Anchor: true, Key: a))).ToList();
        foreach (var chunk in keys.Chunk(LookupChunk))
        {
            var terms = string.Concat(chunk.Select(k => k.Anchor ? _dialect.AnchorFilter(k.Key) : $"({_dialect.UsernameAttribute}={LdapEscape.FilterValue(k.Key)})"));
            try
            {
                var response = (SearchResponse)_ldap.Send(new SearchRequest(_scope.RootDn, $"(&{_dialect.UserFilter}(|{terms}))", SearchScope.Subtree, attributes));
                into.Record([.. chunk.Where(k => !k.Anchor).Select(k => k.Key)], [.. chunk.Where(k => k.Anchor).Select(k => k.Key)],
                    [.. response.Entries.Cast<SearchResultEntry>()]);
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is not (ResultCode.Busy or ResultCode.Unavailable))
            {
                // A refusal of the combined search (a size or filter limit) only costs speed: each user is searched alone.
            }
        }
    }

    /// <summary>Finds a user in the root user container: by anchor when known, else by username.</summary>
    public SearchResultEntry? Find(string anchor, string username)
    {
        if (!string.IsNullOrEmpty(anchor))
        {
            var byAnchor = _known.TryGetByAnchor(anchor, out var known)
                ? known
                : _ldap.One(_scope.RootDn, SearchScope.Subtree, $"(&{_dialect.UserFilter}{_dialect.AnchorFilter(anchor)})", _dialect.UserAttributes);
            if (byAnchor is not null)
            {
                return byAnchor;
            }
        }

        if (string.IsNullOrEmpty(username))
        {
            return null;
        }

        return _known.TryGetByName(username, out var named)
            ? named
            : _ldap.One(_scope.RootDn, SearchScope.Subtree, $"(&{_dialect.UserFilter}({_dialect.UsernameAttribute}={LdapEscape.FilterValue(username)}))", _dialect.UserAttributes);
    }
}
