using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// A batch's user upserts whose next entry for the same user is its password set (a bind sends the two together):
/// on a directory that takes the password in the add (AD over TLS), a user created by such an upsert gets its first
/// password, and is enabled, in the add itself, and the password set that follows has nothing left to write. Which
/// pairs there are is worked out from the batch (<see cref="Plan"/>); which password sets were written with their add
/// is recorded as they are (<see cref="Written"/>). Nothing is kept between batches. One lock (shared with lanes).
/// </summary>
internal sealed class FirstPasswords
{
    private readonly Dictionary<UserUpsert, PasswordSet> _next = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<PasswordSet, string> _written = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    /// <summary>
    /// Pairs each upsert with the password set that is the batch's next entry about the same account (same username,
    /// ignoring case, or same object): paired only when that set is for the same object and username, and neither
    /// entry is a reconcile's (which compares the entry before and after each of them).
    /// </summary>
    public void Plan(IReadOnlyList<Change> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var nextByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var nextById = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var pairs = new List<(UserUpsert, PasswordSet)>();
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            var change = changes[i];
            var (name, id) = (change.Username, change.ObjectId);
            if (change.KindCase == Change.KindOneofCase.UserUpsert && !change.Reconcile && Next(nextByName, name, nextById, id) is { } j
                && changes[j] is { KindCase: Change.KindOneofCase.PasswordSet, Reconcile: false, PasswordSet: var set }
                && string.Equals(set.UserId, id, StringComparison.Ordinal) && string.Equals(set.Username, name, StringComparison.Ordinal))
            {
                pairs.Add((change.UserUpsert, set));
            }

            if (name.Length > 0)
            {
                nextByName[name] = i;
            }

            if (id.Length > 0)
            {
                nextById[id] = i;
            }
        }

        lock (_lock)
        {
            Clear();
            foreach (var (upsert, set) in pairs)
            {
                _next[upsert] = set;
            }
        }
    }

    private static int? Next(Dictionary<string, int> byName, string name, Dictionary<string, int> byId, string id)
    {
        int? next = name.Length > 0 && byName.TryGetValue(name, out var n) ? n : null;
        if (id.Length > 0 && byId.TryGetValue(id, out var m) && (next is null || m < next))
        {
            next = m;
        }

        return next;
    }

    /// <summary>The password set that follows <paramref name="upsert"/> in this batch, when it may go into the add.</summary>
    public PasswordSet? After(UserUpsert upsert)
    {
        lock (_lock)
        {
            return _next.GetValueOrDefault(upsert);
        }
    }

    /// <summary>The add that created the user wrote <paramref name="set"/>'s password too; the entry has <paramref name="anchor"/>.</summary>
    public void Wrote(PasswordSet set, string anchor)
    {
        lock (_lock)
        {
            _written[set] = anchor;
        }
    }

    /// <summary>True (once) when <paramref name="set"/> was written with its user's add; <paramref name="anchor"/> is the entry's.</summary>
    public bool Written(PasswordSet set, out string anchor)
    {
        lock (_lock)
        {
            return _written.Remove(set, out anchor!);
        }
    }

    public void Forget()
    {
        lock (_lock)
        {
            Clear();
        }
    }

    private void Clear()
    {
        _next.Clear();
        _written.Clear();
    }
}
