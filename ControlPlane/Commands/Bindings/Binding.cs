using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Commands.Bindings;

/// <summary>A user or user group bound to (or just unbound from) a domain.</summary>
public sealed record Binding(string DomainId, string TargetType, string TargetId);

/// <summary>What the binding commands check first, in the order the API has always answered.</summary>
internal static class BindingChecks
{
    /// <summary>The target id is required, then the domain must exist.</summary>
    public static async Task<(AdDomain? Domain, CommandError? Error)> DomainAsync(ControlPlaneDb db, string domainId, string? targetId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(targetId))
        {
            return (null, CommandError.Invalid("id", "id: the id of the user or user group is required", "invalidId"));
        }

        var domain = await db.Domains.FindAsync([domainId], ct);
        return domain is null ? (null, CommandError.NotFound(DomainErrors.What)) : (domain, null);
    }
}
