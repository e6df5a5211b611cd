using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>What the session asks of the directory: apply entries, and compare an object before and after (reconcile).</summary>
internal interface IChangeWriter
{
    /// <summary>
    /// Applies one entry idempotently. A permanent refusal is a result; a directory that is down or busy throws
    /// (<see cref="System.DirectoryServices.Protocols.LdapException"/> or a busy/unavailable
    /// <see cref="System.DirectoryServices.Protocols.DirectoryOperationException"/>).
    /// </summary>
    ApplyResult Apply(Change change);

    /// <summary>What a reconcile compares before and after applying <paramref name="change"/>; null when the entry is missing.</summary>
    string? Fingerprint(Change change);

    /// <summary>Looks up everything a batch concerns at once (what it learns lasts until <see cref="ForgetLookAhead"/>).</summary>
    void LookAhead(IEnumerable<Change> changes);

    void ForgetLookAhead();

    /// <summary>
    /// After <see cref="LookAhead"/>: what <paramref name="change"/> writes, when it may be written alongside other entries
    /// (entries with the same key stay in order); null when it must be written alone.
    /// </summary>
    string? ConcurrencyKey(Change change);
}
