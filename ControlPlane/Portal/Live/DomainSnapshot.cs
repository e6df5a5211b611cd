namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>What a domain page needs to catch up after (re)connecting to the hub.</summary>
public sealed record DomainSnapshot(string DomainId, string? PrimaryAgentId, IReadOnlyList<AgentView> Agents, ProgressView? Progress);
