namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// One acknowledged outcome of one change for one object in one domain: the object's sync history. Kept apart from the
/// change log (whose acknowledged entries may be pruned) and bounded per object (<see cref="History.SyncHistory"/>).
/// </summary>
public sealed class SyncHistoryEntry
{
    public long Id { get; set; }
    public required string DomainId { get; set; }
    public required string ObjectId { get; set; }
    public long Seq { get; set; }

    /// <summary>The change-log kind (<c>UserUpsert</c>, <c>PasswordSet</c>, ...), or empty when it was no longer known.</summary>
    public string Kind { get; set; } = "";
    public required string AgentId { get; set; }
    public DateTimeOffset At { get; set; }
    public required SyncOutcomeKind Outcome { get; set; }
    public int Code { get; set; }
    public string Message { get; set; } = "";
}
