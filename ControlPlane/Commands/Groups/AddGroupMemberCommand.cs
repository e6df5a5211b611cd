using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>
/// Adds a user to a group. Where the group is bound the user must be syncable into AD; each such domain gets the
/// user (and its password, if it did not reach it before), then the group's new member list.
/// </summary>
public sealed class AddGroupMemberCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<MembershipChange>> ExecuteAsync(string groupId, string? userId, CancellationToken ct) =>
        log.RunAsync<CommandResult<MembershipChange>>(async () =>
        {
            var found = await Membership.FindAsync(db, groupId, userId, ct);
            if (found.Error is { } missing)
            {
                return missing;
            }

            var (group, user) = found.Value;
            if ((await sync.DomainsOfGroupAsync(groupId, ct)).Count > 0
                && UserRules.CheckBindable(user, m => $"group {group.Name} is bound to an Active Directory domain: {m}") is { } unbindable)
            {
                return unbindable;
            }

            var before = await sync.DomainsOfUserAsync(user.Id, ct);
            if (await db.GroupMembers.FindAsync([groupId, user.Id], ct) is not null)
            {
                return new MembershipChange(group, user, Changed: false);
            }

            db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = user.Id });
            await log.SaveAsync(ct);
            await sync.UserChangedAsync(user, before, ct);
            await sync.MembershipChangedAsync(group, ct);
            await log.CommitAsync(ct);
            return new MembershipChange(group, user, Changed: true);
        }, ct);
}
