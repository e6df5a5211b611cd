using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>Change-log entries as the control plane writes them (each the object's full desired state).</summary>
internal static class Changes
{
    public static Change User(string id, string username, string first = "Test", string last = "User", bool suspended = false,
        bool explicitUnlock = false, string? email = null) => new()
    {
        UserUpsert = new UserUpsert
        {
            UserId = id,
            Username = username,
            Firstname = first,
            Lastname = last,
            Email = email ?? "",
            Suspended = suspended,
            ExplicitUnlock = explicitUnlock,
        },
    };

    public static Change Disconnect(string id, string username) =>
        new() { UserDisconnect = new UserDisconnect { UserId = id, Username = username } };

    public static Change Group(string id, string name) => new() { GroupUpsert = new GroupUpsert { GroupId = id, Name = name } };

    public static Change GroupGone(string id, string name) => new() { GroupDisconnect = new GroupDisconnect { GroupId = id, Name = name } };

    public static Change Members(string groupId, string groupName, params string[] usernames)
    {
        var set = new MembershipSet { GroupId = groupId, GroupName = groupName };
        set.MemberUsernames.AddRange(usernames);
        return new Change { MembershipSet = set };
    }

    /// <summary>A fresh id in the shape of JumpCloud's (24 hex digits).</summary>
    public static string NewId() => Guid.NewGuid().ToString("N")[..24];

    /// <summary>A short unique name (AD's sAMAccountName allows 20 characters).</summary>
    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..6]}";
}
