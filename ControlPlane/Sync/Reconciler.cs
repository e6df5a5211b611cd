using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Queues a domain's whole desired state (every reached user, every bound group with its members) as reconcile
/// entries. The primary applies them like any change (idempotently), so whatever drifted in the directory is
/// repaired, and reports per object whether it was in sync or what it repaired.
/// </summary>
public sealed class Reconciler(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public sealed record Range(long FromSeq, long ToSeq, int Objects);

    /// <summary>Appends the snapshot in one transaction; null when the domain does not exist.</summary>
    public async Task<Range?> AppendSnapshotAsync(string domainId, CancellationToken ct)
    {
        Range? range = null;
        await log.RunAsync(async () =>
        {
            var domain = await db.Domains.FindAsync([domainId], ct);
            if (domain is null)
            {
                return TypedResults.NotFound();
            }

            var from = domain.LastSeq + 1;
            var userIds = await sync.UserIdsOfDomainAsync(domainId, ct);
            var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).OrderBy(u => u.Username).ToListAsync(ct);
            var groupIds = db.Associations.Where(a => a.DomainId == domainId && a.TargetType == AssociationTypes.UserGroup).Select(a => a.TargetId);
            var groups = await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).OrderBy(g => g.Name).ToListAsync(ct);

            foreach (var user in users)
            {
                var change = ChangeFactory.UserUpsert(user);
                change.Reconcile = true;
                await log.AppendAsync(domainId, change, ct);
            }

            foreach (var group in groups)
            {
                var upsert = ChangeFactory.GroupUpsert(group);
                upsert.Reconcile = true;
                await log.AppendAsync(domainId, upsert, ct);
                var members = ChangeFactory.MembershipSet(group, await sync.MemberUsernamesAsync(group.Id, ct));
                members.Reconcile = true;
                await log.AppendAsync(domainId, members, ct);
            }

            await log.CommitAsync(ct);
            range = new Range(from, domain.LastSeq, users.Count + groups.Count);
            return TypedResults.Ok();
        }, ct);
        return range;
    }
}
