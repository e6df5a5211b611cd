using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>
/// Removes a user from a group: each domain the group is bound to gets the new member list first, then, where the
/// user no longer reaches the domain, the user's disconnection.
/// </summary>
public sealed class RemoveGroupMemberCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
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
            var before = await sync.DomainsOfUserAsync(user.Id, ct);
            if (await db.GroupMembers.FindAsync([groupId, user.Id], ct) is not { } existing)
            {
                return new MembershipChange(group, user, Changed: false);
            }

            db.GroupMembers.Remove(existing);
            await log.SaveAsync(ct);
            await sync.MembershipChangedAsync(group, ct);
            await sync.UserChangedAsync(user, before, ct);
            await log.CommitAsync(ct);
            return new MembershipChange(group, user, Changed: true);
        }, ct);
}
