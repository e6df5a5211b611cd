using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>A sync outcome of one change, as an agent acknowledged it.</summary>
public sealed record SyncOutcome(string DomainId, string AgentId, long Seq, string ObjectId, SyncOutcomeKind Outcome, int Code, string Message, DateTimeOffset At);

/// <summary>
/// In-process notifications about agents, for live views (the portal's SignalR hub subscribes). Raised after the
/// database reflects the change, so a subscriber that re-reads sees it. Handlers must be quick and must not throw.
/// </summary>
public sealed class AgentEvents
{
    /// <summary>An agent enrolled, connected, disconnected, or reported new details.</summary>
    public event Action<string, string>? AgentStatusChanged;

    /// <summary>A domain's primary agent changed (granted, released or lost); the argument is the domain id.</summary>
    public event Action<string>? PrimaryChanged;

    /// <summary>Acknowledged results of applied changes.</summary>
    public event Action<IReadOnlyList<SyncOutcome>>? SyncOutcomes;

    public void AgentChanged(string domainId, string agentId) => AgentStatusChanged?.Invoke(domainId, agentId);

    public void Primary(string domainId) => PrimaryChanged?.Invoke(domainId);

    public void Outcomes(IReadOnlyList<SyncOutcome> outcomes)
    {
        if (outcomes.Count > 0)
        {
            SyncOutcomes?.Invoke(outcomes);
        }
    }
}
