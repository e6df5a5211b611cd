namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>An ADI domain instance; also holds its change-log counters and its primary-agent lease.</summary>
public sealed class AdDomain
{
    public required string Id { get; set; }
    public required string Domain { get; set; }
    public UseCase UseCase { get; set; } = UseCase.Unset;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The highest sequence number handed out for this domain's change log.</summary>
    public long LastSeq { get; set; }

    /// <summary>Entries at or below this sequence are acknowledged by the primary agent.</summary>
    public long AckedSeq { get; set; }

    public string? LeaseAgentId { get; set; }
    public long LeaseEpoch { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
