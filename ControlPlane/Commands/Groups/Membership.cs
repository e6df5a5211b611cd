using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>What adding and removing a member share: both objects must exist (the group is looked up first).</summary>
internal static class Membership
{
    public static async Task<CommandResult<(UserGroup Group, SystemUser User)>> FindAsync(ControlPlaneDb db, string groupId, string? userId, CancellationToken ct)
    {
        var group = await db.Groups.FindAsync([groupId], ct);
        if (group is null)
        {
            return CommandError.NotFound("user group");
        }

        var user = string.IsNullOrEmpty(userId) ? null : await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return CommandError.NotFound("user");
        }

        return (group, user);
    }

    /// <summary>
    /// For a many-member operation: the group (looked up first: 404 when missing), the distinct ids asked for in their
    /// order, and those of them that are users; the others are refused as a single operation would refuse them.
    /// </summary>
    public static async Task<CommandResult<(UserGroup Group, List<SystemUser> Users, List<MemberRefusal> Missing)>> FindManyAsync(ControlPlaneDb db,
        string groupId, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        if (await db.Groups.FindAsync([groupId], ct) is not { } group)
        {
            return CommandError.NotFound("user group");
        }

        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var users = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, StringComparer.Ordinal, ct);
        return (group, [.. ids.Where(users.ContainsKey).Select(id => users[id])],
            [.. ids.Where(id => !users.ContainsKey(id)).Select(id => new MemberRefusal(id, CommandError.NotFound("user")))]);
    }
}
