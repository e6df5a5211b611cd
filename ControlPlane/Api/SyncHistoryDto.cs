namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// Extension: one entry of an object's sync history in a domain (<c>GET /activedirectories/{id}/history?object=</c>):
/// when the primary agent acknowledged it, the change-log entry and its kind, the agent, the result, and the
/// directory's code and text.
/// </summary>
public sealed record SyncHistoryDto(DateTimeOffset Time, long Seq, string Kind, string AgentId, Data.SyncOutcomeKind Result, int Code, string Message)
{
    public static SyncHistoryDto From(Data.SyncHistoryEntry h) => new(h.At, h.Seq, h.Kind, h.AgentId, h.Outcome, h.Code, h.Message);
}
