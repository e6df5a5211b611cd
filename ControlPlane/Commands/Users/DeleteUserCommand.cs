using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>
/// Deletes a user with its memberships, bindings, sync status, history and vault entry; its groups' member lists and
/// a disconnection go to every domain it reached.
/// </summary>
public sealed class DeleteUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<SystemUser>> ExecuteAsync(string id, CancellationToken ct) =>
        log.RunAsync<CommandResult<SystemUser>>(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return CommandError.NotFound("user");
            }

            var domains = await sync.DomainsOfUserAsync(id, ct);
            var groupIds = await db.GroupMembers.Where(m => m.UserId == id).Select(m => m.GroupId).ToListAsync(ct);
            db.Associations.RemoveRange(db.Associations.Where(a => a.TargetType == AssociationTypes.User && a.TargetId == id));
            db.SyncStatuses.RemoveRange(db.SyncStatuses.Where(s => s.ObjectId == id));
            db.SyncHistory.RemoveRange(db.SyncHistory.Where(h => h.ObjectId == id));
            // Its memberships and vault entry go with it (cascades); bindings and sync records name it without a foreign key.
            db.Users.Remove(user);
            await log.SaveAsync(ct);
            foreach (var group in await db.Groups.Where(g => groupIds.Contains(g.Id)).ToListAsync(ct))
            {
                await sync.MembershipChangedAsync(group, ct);
            }

            await sync.UserChangedAsync(user, domains, ct);
            await log.CommitAsync(ct);
            return user;
        }, ct);
}
