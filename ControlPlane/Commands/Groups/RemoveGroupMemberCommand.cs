using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>
/// Removes users from a group: each domain the group is bound to gets the new member list first (once), then, where
/// a user no longer reaches the domain, that user's disconnection.
/// </summary>
public sealed class RemoveGroupMemberCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    /// <summary>Removes one user (the API's and the portal's single member operation).</summary>
    public Task<CommandResult<MembershipChange>> ExecuteAsync(string groupId, string? userId, CancellationToken ct) =>
        log.RunAsync<CommandResult<MembershipChange>>(async () =>
        {
            var found = await Membership.FindAsync(db, groupId, userId, ct);
            if (found.Error is { } missing)
            {
                return missing;
            }

            var (group, user) = found.Value;
            return new MembershipChange(group, user, Changed: await RemoveAsync(group, [user], ct) > 0);
        }, ct);

    /// <summary>
    /// Removes several users in one operation (an import's member list): each bound domain gets the member list once
    /// rather than once per user. Ids of users that do not exist are refused; users that are not members are left as
    /// they are.
    /// </summary>
    public Task<CommandResult<MembersChange>> ExecuteAsync(string groupId, IReadOnlyCollection<string> userIds, CancellationToken ct) =>
        log.RunAsync<CommandResult<MembersChange>>(async () =>
        {
            var found = await Membership.FindManyAsync(db, groupId, userIds, ct);
            if (found.Error is { } missingGroup)
            {
                return missingGroup;
            }

            var (group, users, missing) = found.Value;
            return new MembersChange(group, await RemoveAsync(group, users, ct), missing);
        }, ct);

    private async Task<int> RemoveAsync(UserGroup group, IReadOnlyList<SystemUser> users, CancellationToken ct)
    {
        var ids = users.Select(u => u.Id).ToList();
        var existing = await db.GroupMembers.Where(m => m.GroupId == group.Id && ids.Contains(m.UserId)).ToListAsync(ct);
        if (existing.Count == 0)
        {
            return 0;
        }

        var removedIds = existing.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
        var removed = users.Where(u => removedIds.Contains(u.Id)).ToList();
        var before = await sync.DomainsOfUsersAsync(removedIds, ct);
        db.GroupMembers.RemoveRange(existing);
        await log.SaveAsync(ct);
        await sync.MembershipChangedAsync(group, ct);
        foreach (var user in removed)
        {
            await sync.UserChangedAsync(user, before.GetValueOrDefault(user.Id) ?? [], ct);
        }

        await log.CommitAsync(ct);
        return removed.Count;
    }
}
