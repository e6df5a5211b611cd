using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// One path by which a domain reaches a user: bound directly (<see cref="GroupId"/> null) or through the bound group
/// <see cref="GroupId"/> the user is a member of.
/// </summary>
public sealed record ReachPath
{
    public required string DomainId { get; init; }

    public required string UserId { get; init; }

    public string? GroupId { get; init; }

    public bool Direct => GroupId is null;
}

/// <summary>
/// The one answer to "which users does a domain reach, directly or through a bound group" and its reverse ("which
/// domains does a user reach"). Every query is a composable <see cref="Paths"/> filter, so it runs in the database and
/// sees what the current unit of work has saved inside its transaction.
/// </summary>
public sealed class DirectoryReach(ControlPlaneDb db)
{
    /// <summary>Every reach path of every domain: direct bindings, then memberships of bound groups.</summary>
    public IQueryable<ReachPath> Paths =>
        db.Associations.AsNoTracking().Where(a => a.TargetType == AssociationTypes.User)
            .Select(a => new ReachPath { DomainId = a.DomainId, UserId = a.TargetId, GroupId = null })
            .Concat(from a in db.Associations.AsNoTracking()
                    join m in db.GroupMembers.AsNoTracking() on a.TargetId equals m.GroupId
                    where a.TargetType == AssociationTypes.UserGroup
                    select new ReachPath { DomainId = a.DomainId, UserId = m.UserId, GroupId = m.GroupId });

    /// <summary>The paths by which <paramref name="domainId"/> reaches its users.</summary>
    public Task<List<ReachPath>> PathsOfDomainAsync(string domainId, CancellationToken ct) =>
        Paths.Where(p => p.DomainId == domainId).ToListAsync(ct);

    /// <summary>The paths by which <paramref name="userId"/> is reached by domains.</summary>
    public Task<List<ReachPath>> PathsOfUserAsync(string userId, CancellationToken ct) =>
        Paths.Where(p => p.UserId == userId).ToListAsync(ct);

    /// <summary>The users a domain reaches (each once).</summary>
    public Task<List<string>> UsersOfDomainAsync(string domainId, CancellationToken ct) =>
        Paths.Where(p => p.DomainId == domainId).Select(p => p.UserId).Distinct().ToListAsync(ct);

    /// <summary>The domains a user reaches.</summary>
    public async Task<HashSet<string>> DomainsOfUserAsync(string userId, CancellationToken ct) =>
        [.. await Paths.Where(p => p.UserId == userId).Select(p => p.DomainId).ToListAsync(ct)];

    /// <summary>The domains each of <paramref name="userIds"/> reaches, in one query (every id has an entry, maybe empty).</summary>
    public async Task<Dictionary<string, HashSet<string>>> DomainsOfUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        var domains = ids.ToDictionary(id => id, _ => new HashSet<string>());
        foreach (var row in await Paths.Where(p => ids.Contains(p.UserId)).Select(p => new { p.UserId, p.DomainId }).ToListAsync(ct))
        {
            domains[row.UserId].Add(row.DomainId);
        }

        return domains;
    }

    /// <summary>The domains a group is bound to.</summary>
    public Task<List<string>> DomainsOfGroupAsync(string groupId, CancellationToken ct) =>
        db.Associations.AsNoTracking().Where(a => a.TargetType == AssociationTypes.UserGroup && a.TargetId == groupId)
            .OrderBy(a => a.DomainId).Select(a => a.DomainId).ToListAsync(ct);

    /// <summary>The groups bound to a domain, by id.</summary>
    public Task<List<string>> GroupsOfDomainAsync(string domainId, CancellationToken ct) =>
        db.Associations.AsNoTracking().Where(a => a.DomainId == domainId && a.TargetType == AssociationTypes.UserGroup)
            .OrderBy(a => a.TargetId).Select(a => a.TargetId).ToListAsync(ct);
}
