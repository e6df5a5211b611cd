using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>Entity to JumpCloud shape.</summary>
internal static class Mapping
{
    public static ActiveDirectoryDto ToDto(this AdDomain d, DateTimeOffset now) =>
        new(d.Id, d.Domain, d.UseCase, d.LeaseExpiresAt > now ? d.LeaseAgentId : null, d.UpdatedAt);

    public static AgentDto ToDto(this AgentRecord a) =>
        new(a.Id, a.AgentType, a.State, a.Hostname, a.HostType, a.Version, a.ContactAt?.ToString("O"), a.SourceIp);

    public static SystemUserDto ToDto(this SystemUser u) =>
        new(u.Id, u.Id, u.Username, u.Email, u.Firstname, u.Lastname, u.Suspended, u.AccountLocked, true,
            u.Suspended ? "SUSPENDED" : "ACTIVATED", u.Created);
}
