namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>One entry of an object's sync timeline on its portal page, with the domain and agent named.</summary>
public sealed record TimelineRow(DateTimeOffset At, string DomainId, string DomainName, long Seq, string Kind, string AgentId, string? AgentName,
    Data.SyncOutcomeKind Outcome, int Code, string Message);
