using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// The checks of <see cref="DomainAsync"/>, then the target (<paramref name="what"/>, for the 404) must exist. The
    /// domain and the target are set exactly when there is no error.
    /// </summary>
    public static async Task<(AdDomain Domain, T Target, CommandError? Error)> TargetAsync<T>(ControlPlaneDb db, DbSet<T> targets, string what,
        string domainId, string? targetId, CancellationToken ct)
        where T : class
    {
        var (domain, error) = await DomainAsync(db, domainId, targetId, ct);
        if (error is not null)
        {
            return (null!, null!, error);
        }

        var target = await targets.FindAsync([targetId], ct);
        return target is null ? (null!, null!, CommandError.NotFound(what)) : (domain!, target, null);
    }
}
