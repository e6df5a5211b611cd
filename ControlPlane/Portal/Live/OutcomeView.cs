namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>One entry of a domain's sync activity feed: the latest outcome for an object.</summary>
public sealed record OutcomeView(
    string DomainId,
    string? AgentId,
    string ObjectId,
    string ObjectType,
    string ObjectName,
    Data.SyncOutcomeKind Outcome,
    int Code,
    string Message,
    DateTimeOffset At);
