using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Telemetry;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>Entity to JumpCloud shape.</summary>
internal static class Mapping
{
    public static ActiveDirectoryDto ToDto(this AdDomain d, DateTimeOffset now) =>
        new(d.Id, d.Domain, d.UseCase, d.LeaseExpiresAt > now ? d.LeaseAgentId : null, d.UpdatedAt);

    public static AgentDto ToDto(this AgentRecord a) =>
        new(a.Id, a.AgentType, a.State, a.Hostname, a.HostType, a.Version, a.ContactAt?.ToString("O"), a.SourceIp);

    public static AgentDto ToDto(this AgentRecord a, AgentCounters counters) =>
        counters.Of(a.Id) is { } r && r.DomainId == a.DomainId ? a.ToDto() with { Stats = r.ToDto() } : a.ToDto();

    public static AgentStatsDto ToDto(this AgentCounters.Reported r) => new(
        r.Stats.Applied, r.Stats.Skipped, r.Stats.Failed,
        r.Stats.LdapErrors.OrderBy(e => e.Key).ToDictionary(e => e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), e => e.Value),
        string.IsNullOrEmpty(r.Stats.LastError) ? null : r.Stats.LastError,
        r.Stats.LastErrorUnixMillis > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(r.Stats.LastErrorUnixMillis) : null,
        r.At);

    public static SystemUserDto ToDto(this SystemUser u)
    {
        var profile = UserProfile.Read(u.ProfileJson);
        return new SystemUserDto
        {
            Id = u.Id,
            IdAlias = u.Id,
            Username = u.Username,
            Email = u.Email,
            Firstname = u.Firstname,
            Lastname = u.Lastname,
            Middlename = u.Middlename,
            Displayname = u.Displayname,
            JobTitle = u.JobTitle,
            EmployeeIdentifier = u.EmployeeIdentifier,
            Department = u.Department,
            CostCenter = u.CostCenter,
            Company = u.Company,
            EmployeeType = u.EmployeeType,
            Description = u.Description,
            Location = u.Location,
            AlternateEmail = u.AlternateEmail,
            Manager = u.Manager,
            Addresses = profile.Addresses,
            PhoneNumbers = profile.PhoneNumbers,
            Attributes = profile.Attributes,
            RecoveryEmail = profile.RecoveryEmail,
            UnixUid = u.UnixUid,
            UnixGuid = u.UnixGuid,
            LdapBindingUser = u.LdapBindingUser,
            EnableUserPortalMultifactor = u.EnableUserPortalMultifactor,
            ExternallyManaged = u.ExternallyManaged,
            ExternalDn = profile.ExternalDn,
            ExternalSourceType = profile.ExternalSourceType,
            Suspended = u.Suspended,
            AccountLocked = u.AccountLocked,
            Activated = true,
            State = u.Suspended ? "SUSPENDED" : "ACTIVATED",
            Created = u.Created,
        };
    }
}
