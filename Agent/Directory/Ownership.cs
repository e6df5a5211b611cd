using System.DirectoryServices.Protocols;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Which entries this agent may write for an object: never one with adminCount=1, never one that is already the entry
/// of another JumpCloud object (see <see cref="AnchorClaims"/>).
/// </summary>
internal sealed class Ownership(DirectoryDialect dialect, AnchorClaims claims)
{
    public static bool IsProtected(SearchResultEntry entry) => entry.FirstValue("adminCount") == "1";

    public static ApplyResult Protected(SearchResultEntry entry) =>
        ApplyResult.Skipped($"'{entry.DistinguishedName}' has adminCount=1; protected accounts are never touched");

    /// <summary>
    /// A refusal when <paramref name="entry"/> is already the entry of another JumpCloud object than
    /// <paramref name="objectId"/> (found by a name the directory matches ignoring case, say): writing it would hand
    /// that object's account (its password, its memberships) to this one. Null when it is this object's or unclaimed.
    /// </summary>
    public ApplyResult? OwnedByAnother(SearchResultEntry entry, string objectId)
    {
        if (claims.Count == 0 || string.IsNullOrEmpty(objectId))
        {
            return null;
        }

        var owner = claims.OwnerOtherThan(dialect.AnchorOf(entry, entry.DistinguishedName), objectId);
        return owner is null
            ? null
            : ApplyResult.Failed((int)ResultCode.EntryAlreadyExists,
                $"'{entry.DistinguishedName}' is already the directory entry of another JumpCloud object ({owner}); the directory matches " +
                "names ignoring case, so this object's name is taken there: not written, rename one of them");
    }

    /// <summary><see cref="Protected"/> or <see cref="OwnedByAnother"/>'s refusal; null when the entry may be written.</summary>
    public ApplyResult? Refusal(SearchResultEntry entry, string objectId) => IsProtected(entry) ? Protected(entry) : OwnedByAnother(entry, objectId);
}
