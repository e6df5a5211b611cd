namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// What one search for many users at once told about each username and anchor asked for: the one entry it names, or
/// that there is none. A key is only known when the answer is unambiguous: a key two entries answer, or any absence
/// in a result holding an entry no asked key explains (the server matched by rules this side does not repeat), stays
/// unknown and is searched for on its own. <see cref="Forget"/> drops what a write may have made wrong. Safe to use
/// from the writer's lanes at once (one lock).
/// </summary>
internal sealed class KnownEntries<TEntry>(Func<TEntry, string> dnOf, Func<TEntry, IEnumerable<string>> namesOf, Func<TEntry, string> anchorOf)
    where TEntry : class
{
    private readonly Dictionary<string, TEntry?> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TEntry?> _byAnchor = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<(bool Anchor, string Key)>> _keysByDn = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>True when the username's entry is known; <paramref name="entry"/> is then null if there is none.</summary>
    public bool TryGetByName(string name, out TEntry? entry)
    {
        lock (_lock)
        {
            return _byName.TryGetValue(name, out entry);
        }
    }

    /// <summary>True when the anchor's entry is known; <paramref name="entry"/> is then null if there is none.</summary>
    public bool TryGetByAnchor(string anchor, out TEntry? entry)
    {
        lock (_lock)
        {
            return _byAnchor.TryGetValue(anchor, out entry);
        }
    }

    /// <summary>Records the answer of one search for <paramref name="names"/> or <paramref name="anchors"/>.</summary>
    public void Record(IReadOnlyCollection<string> names, IReadOnlyCollection<string> anchors, IReadOnlyList<TEntry> entries)
    {
        var askedNames = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        var askedAnchors = new HashSet<string>(anchors, StringComparer.OrdinalIgnoreCase);
        var byName = new Dictionary<string, List<TEntry>>(StringComparer.OrdinalIgnoreCase);
        var byAnchor = new Dictionary<string, List<TEntry>>(StringComparer.OrdinalIgnoreCase);
        var explained = true;
        foreach (var entry in entries)
        {
            var matched = false;
            foreach (var name in namesOf(entry).Where(askedNames.Contains).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                Add(byName, name, entry);
                matched = true;
            }

            var anchor = anchorOf(entry);
            if (anchor.Length > 0 && askedAnchors.Contains(anchor))
            {
                Add(byAnchor, anchor, entry);
                matched = true;
            }

            explained &= matched;
        }

        lock (_lock)
        {
            foreach (var name in askedNames)
            {
                Learn(_byName, false, name, byName, explained);
            }

            foreach (var anchor in askedAnchors)
            {
                Learn(_byAnchor, true, anchor, byAnchor, explained);
            }
        }
    }

    /// <summary>
    /// Forgets the username and anchor of an object that was just written, and every other key that named the same
    /// entry (its old username after a rename): the next lookup of any of them searches the directory again.
    /// </summary>
    public void Forget(string name, string anchor)
    {
        lock (_lock)
        {
            ForgetLocked(name, anchor);
        }
    }

    private void ForgetLocked(string name, string anchor)
    {
        var dns = new List<string>();
        if (!string.IsNullOrEmpty(name) && _byName.Remove(name, out var byName) && byName is not null)
        {
            dns.Add(dnOf(byName));
        }

        if (!string.IsNullOrEmpty(anchor) && _byAnchor.Remove(anchor, out var byAnchor) && byAnchor is not null)
        {
            dns.Add(dnOf(byAnchor));
        }

        foreach (var dn in dns)
        {
            if (_keysByDn.Remove(dn, out var keys))
            {
                foreach (var (isAnchor, key) in keys)
                {
                    (isAnchor ? _byAnchor : _byName).Remove(key);
                }
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byName.Clear();
            _byAnchor.Clear();
            _keysByDn.Clear();
        }
    }

    private void Learn(Dictionary<string, TEntry?> known, bool isAnchor, string key, Dictionary<string, List<TEntry>> found, bool explained)
    {
        if (found.TryGetValue(key, out var matches))
        {
            if (matches.Count == 1)
            {
                known[key] = matches[0];
                var dn = dnOf(matches[0]);
                if (!_keysByDn.TryGetValue(dn, out var keys))
                {
                    _keysByDn[dn] = keys = [];
                }

                keys.Add((isAnchor, key));
            }
        }
        else if (explained)
        {
            known[key] = null;
        }
    }

    private static void Add(Dictionary<string, List<TEntry>> index, string key, TEntry entry)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(entry);
    }
}
