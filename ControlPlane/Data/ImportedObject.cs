namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// A user or user group an IMPORT agent brought in from a domain's directory: which directory entry (its anchor,
/// objectGUID or entryUUID, and DN) it is, so a rename in the directory updates the same JumpCloud object.
/// </summary>
public sealed class ImportedObject
{
    public required string DomainId { get; set; }

    /// <summary><see cref="ImportedObjectKinds.User"/> or <see cref="ImportedObjectKinds.Group"/>.</summary>
    public required string Kind { get; set; }

    public required string Anchor { get; set; }
    public required string ObjectId { get; set; }
    public string Dn { get; set; } = "";

    /// <summary>A digest of what was last applied, so an unchanged report changes nothing.</summary>
    public string? Digest { get; set; }

    /// <summary>A group's members as the directory has them (their anchors, JSON array); null for users.</summary>
    public string? MembersJson { get; set; }

    public DateTimeOffset ImportedAt { get; set; }
}

public static class ImportedObjectKinds
{
    public const string User = "user";
    public const string Group = "group";
}
