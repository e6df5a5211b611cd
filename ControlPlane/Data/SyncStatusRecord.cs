namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// The latest sync outcome of one object in one domain (JumpCloud's syncStatus), and the directory anchor
/// (objectGUID / entryUUID) the agent reported for it, so any agent of the domain finds the same entry after a rename.
/// </summary>
public sealed class SyncStatusRecord
{
    public required string DomainId { get; set; }
    public required string ObjectId { get; set; }
    public DateTimeOffset SyncedAt { get; set; }
    public int Code { get; set; }
    public required SyncOutcomeKind Outcome { get; set; }
    public string Message { get; set; } = "";
    public string? Anchor { get; set; }
}
