namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// One entry of a domain's change log (transactional outbox). <see cref="Payload"/> is the protobuf JSON of the
/// <c>Change</c> message: the object's full desired state, so replaying it is harmless.
/// </summary>
public sealed class ChangeEntry
{
    public long Id { get; set; }
    public required string DomainId { get; set; }
    public long Seq { get; set; }
    public required string Kind { get; set; }

    /// <summary>The JumpCloud id of the user or group the entry is about (null for entries written before it was kept).</summary>
    public string? ObjectId { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>W3C trace context (traceparent) of the operation that appended the entry, when it was traced.</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(55)]
    public string? TraceParent { get; set; }
}
