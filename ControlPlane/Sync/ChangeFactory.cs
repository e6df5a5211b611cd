using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>Builds change-log entries carrying an object's full desired state.</summary>
public static class ChangeFactory
{
    public static Change UserUpsert(SystemUser user, bool explicitUnlock = false) => new()
    {
        UserUpsert = new UserUpsert
        {
            UserId = user.Id,
            Username = user.Username,
            Firstname = user.Firstname,
            Lastname = user.Lastname,
            Email = user.Email,
            Suspended = user.Suspended,
            AccountLocked = user.AccountLocked,
            ExplicitUnlock = explicitUnlock,
        },
    };

    /// <summary>A password set that refers to the user's vault entry <paramref name="version"/>: it carries no secret.</summary>
    public static Change PasswordFromVault(SystemUser user, long version, bool onlyIfUnset = false) => new()
    {
        PasswordSet = new PasswordSet
        {
            UserId = user.Id,
            Username = user.Username,
            Suspended = user.Suspended,
            VaultVersion = version,
            OnlyIfUnset = onlyIfUnset,
        },
    };

    public static Change UserDisconnect(SystemUser user) => new()
    {
        UserDisconnect = new UserDisconnect { UserId = user.Id, Username = user.Username },
    };

    public static Change GroupUpsert(UserGroup group) => new()
    {
        GroupUpsert = new GroupUpsert { GroupId = group.Id, Name = group.Name },
    };

    public static Change GroupDisconnect(UserGroup group) => new()
    {
        GroupDisconnect = new GroupDisconnect { GroupId = group.Id, Name = group.Name },
    };

    public static Change MembershipSet(UserGroup group, IEnumerable<string> memberUsernames)
    {
        var set = new MembershipSet { GroupId = group.Id, GroupName = group.Name };
        set.MemberUsernames.AddRange(memberUsernames);
        return new Change { MembershipSet = set };
    }
}
