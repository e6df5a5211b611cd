using JumpCloudAdi.ControlPlane.Data;

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
}
