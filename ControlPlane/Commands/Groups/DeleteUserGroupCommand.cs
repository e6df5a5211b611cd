using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>
/// Deletes a user group with its memberships and bindings: each domain it was bound to gets its disconnection, and
/// each member that no longer reaches a domain gets its own.
/// </summary>
public sealed class DeleteUserGroupCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<UserGroup>> ExecuteAsync(string id, CancellationToken ct) =>
        log.RunAsync<CommandResult<UserGroup>>(async () =>
        {
            var group = await db.Groups.FindAsync([id], ct);
            if (group is null)
            {
                return CommandError.NotFound("user group");
            }

            var domains = await sync.DomainsOfGroupAsync(id, ct);
            var members = await sync.MembersAsync(id, ct);
            var memberIds = members.ConvertAll(m => m.Id);
            var before = await sync.DomainsOfUsersAsync(memberIds, ct);

            // Its memberships go with it (a cascade); its bindings name it without a foreign key.
            db.Associations.RemoveRange(db.Associations.Where(a => a.TargetType == AssociationTypes.UserGroup && a.TargetId == id));
            db.Groups.Remove(group);
            await log.SaveAsync(ct);
            foreach (var domainId in domains)
            {
                await log.AppendAsync(domainId, ChangeFactory.GroupDisconnect(group), ct);
            }

            var after = await sync.DomainsOfUsersAsync(memberIds, ct);
            foreach (var member in members)
            {
                await sync.UserChangedAsync(member, before[member.Id], after[member.Id], ct);
            }

            await log.CommitAsync(ct);
            return group;
        }, ct);
}
