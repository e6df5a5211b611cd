namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>One row of the Domain Agents table, as rendered and as pushed to open pages.</summary>
public sealed record AgentView(
    string Id,
    string DomainId,
    string Level,
    string Label,
    string Detail,
    bool IsPrimary,
    string? Hostname,
    string? HostType,
    string HostTypeLabel,
    string? Version,
    DateTimeOffset? ContactAt,
    string State,
    AgentType AgentType,
    DateTimeOffset KeyExpiresAt,
    string? SourceIp,
    IReadOnlyDictionary<string, string> Settings);
