using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Live;

namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>A domain in the Active Directory list with its agents and bindings.</summary>
public sealed record DomainRow(AdDomain Domain, string? PrimaryAgentId, IReadOnlyList<AgentView> Agents, int Users, int Groups);
