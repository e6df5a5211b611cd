namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>Which agent is a domain's primary now (null while none holds a valid lease).</summary>
public sealed record PrimaryView(string DomainId, string? PrimaryAgentId);
