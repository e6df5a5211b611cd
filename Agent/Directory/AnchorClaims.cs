using System.Globalization;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Which JumpCloud object each directory entry (by anchor) belongs to, as far as this agent knows: the anchors the
/// control plane recorded (sent with every upsert, and for the whole domain by the reconcile a new primary gets) and
/// the ones this agent's own writes reported. The writer refuses to write an entry for an object when its anchor
/// belongs to another one: two JumpCloud names that the directory folds to one (case) must not share an account.
/// Compact (a GUID and a 12-byte id per entry) so a large domain costs little memory. Shared by the writer's lanes (one lock).
/// </summary>
public sealed class AnchorClaims
{
    private readonly Dictionary<Guid, ObjectRef> _compact = [];
    private readonly Dictionary<string, string> _other = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _compact.Count + _other.Count;
            }
        }
    }

    /// <summary>Records that <paramref name="anchor"/> is the entry of <paramref name="objectId"/> (and of no other object).</summary>
    public void Claim(string anchor, string objectId)
    {
        lock (_lock)
        {
            ClaimLocked(anchor, objectId);
        }
    }

    private void ClaimLocked(string anchor, string objectId)
    {
        if (string.IsNullOrEmpty(anchor) || string.IsNullOrEmpty(objectId))
        {
            return;
        }

        if (Guid.TryParse(anchor, out var guid) && ObjectRef.TryParse(objectId, out var id))
        {
            _compact[guid] = id;
        }
        else
        {
            _other[anchor] = objectId;
        }
    }

    /// <summary>The object another than <paramref name="objectId"/> that owns <paramref name="anchor"/>, or null.</summary>
    public string? OwnerOtherThan(string anchor, string objectId)
    {
        lock (_lock)
        {
            return OwnerOtherThanLocked(anchor, objectId);
        }
    }

    private string? OwnerOtherThanLocked(string anchor, string objectId)
    {
        if (string.IsNullOrEmpty(anchor) || string.IsNullOrEmpty(objectId))
        {
            return null;
        }

        string? owner = null;
        if (Guid.TryParse(anchor, out var guid) && _compact.TryGetValue(guid, out var id))
        {
            owner = id.ToString();
        }
        else if (_other.TryGetValue(anchor, out var other))
        {
            owner = other;
        }

        return owner is not null && !string.Equals(owner, objectId, StringComparison.OrdinalIgnoreCase) ? owner : null;
    }

    /// <summary>The object left the domain: its entry is no longer claimed (a later object may take it over).</summary>
    public void Release(string objectId)
    {
        lock (_lock)
        {
            ReleaseLocked(objectId);
        }
    }

    private void ReleaseLocked(string objectId)
    {
        if (string.IsNullOrEmpty(objectId))
        {
            return;
        }

        if (ObjectRef.TryParse(objectId, out var id))
        {
            foreach (var guid in _compact.Where(kv => kv.Value == id).Select(kv => kv.Key).ToList())
            {
                _compact.Remove(guid);
            }
        }

        foreach (var anchor in _other.Where(kv => string.Equals(kv.Value, objectId, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Key).ToList())
        {
            _other.Remove(anchor);
        }
    }

    /// <summary>A JumpCloud object id (24 hex digits) in 12 bytes.</summary>
    private readonly record struct ObjectRef(ulong High, uint Low)
    {
        public static bool TryParse(string id, out ObjectRef value)
        {
            value = default;
            if (id.Length != 24
                || !ulong.TryParse(id.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
                || !uint.TryParse(id.AsSpan(16, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
            {
                return false;
            }

            value = new ObjectRef(high, low);
            return true;
        }

        public override string ToString() => $"{High:x16}{Low:x8}";
    }
}
