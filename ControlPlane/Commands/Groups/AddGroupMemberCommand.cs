using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>
/// Adds users to a group. Where the group is bound each user must be syncable into AD; each such domain gets the
/// users (and their passwords, where they did not reach it before), then the group's new member list, once.
/// </summary>
public sealed class AddGroupMemberCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    /// <summary>Adds one user (the API's and the portal's single member operation).</summary>
    public Task<CommandResult<MembershipChange>> ExecuteAsync(string groupId, string? userId, CancellationToken ct) =>
        log.RunAsync<CommandResult<MembershipChange>>(async () =>
        {
            var found = await Membership.FindAsync(db, groupId, userId, ct);
            if (found.Error is { } missing)
            {
                return missing;
            }

            var (group, user) = found.Value;
            var outcome = await AddAsync(group, [user], ct);
            return outcome.Refused.Count > 0 ? outcome.Refused[0].Error : new MembershipChange(group, user, Changed: outcome.Added > 0);
        }, ct);

    /// <summary>
    /// Adds several users in one operation (an import's member list): each is checked as a single add checks it, a
    /// refused user is reported and the others are added, and each bound domain gets the member list once rather
    /// than once per user. Ids of users that do not exist are refused the same way.
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
            var outcome = await AddAsync(group, users, ct);
            var order = userIds.Distinct(StringComparer.Ordinal).ToList();
            return new MembersChange(group, outcome.Added, [.. missing.Concat(outcome.Refused).OrderBy(r => order.IndexOf(r.UserId))]); // in the order asked
        }, ct);

    private async Task<(int Added, List<MemberRefusal> Refused)> AddAsync(UserGroup group, IReadOnlyList<SystemUser> users, CancellationToken ct)
    {
        var refused = new List<MemberRefusal>();
        var bound = (await sync.DomainsOfGroupAsync(group.Id, ct)).Count > 0;
        var candidates = new List<SystemUser>();
        foreach (var user in users)
        {
            if (bound && UserRules.CheckBindable(user, m => $"group {group.Name} is bound to an Active Directory domain: {m}") is { } unbindable)
            {
                refused.Add(new MemberRefusal(user.Id, unbindable));
            }
            else
            {
                candidates.Add(user);
            }
        }

        var candidateIds = candidates.Select(u => u.Id).ToList();
        var already = (await db.GroupMembers.Where(m => m.GroupId == group.Id && candidateIds.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var added = candidates.Where(u => !already.Contains(u.Id)).ToList();
        if (added.Count == 0)
        {
            return (0, refused);
        }

        var before = await sync.DomainsOfUsersAsync([.. added.Select(u => u.Id)], ct);
        foreach (var user in added)
        {
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = user.Id });
        }

        await log.SaveAsync(ct);
        foreach (var user in added)
        {
            await sync.UserChangedAsync(user, before.GetValueOrDefault(user.Id) ?? [], ct);
        }

        await sync.MembershipChangedAsync(group, ct);
        await log.CommitAsync(ct);
        return (added.Count, refused);
    }
}
