using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.ControlPlane.History;

/// <summary>Which object a change-log entry is about.</summary>
public static class ChangeObjects
{
    /// <summary>The JumpCloud id of the user or group <paramref name="change"/> concerns; null when none.</summary>
    public static string? IdOf(Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var id = change.KindCase switch
        {
            Change.KindOneofCase.UserUpsert => change.UserUpsert.UserId,
            Change.KindOneofCase.UserDisconnect => change.UserDisconnect.UserId,
            Change.KindOneofCase.PasswordSet => change.PasswordSet.UserId,
            Change.KindOneofCase.GroupUpsert => change.GroupUpsert.GroupId,
            Change.KindOneofCase.GroupDisconnect => change.GroupDisconnect.GroupId,
            Change.KindOneofCase.MembershipSet => change.MembershipSet.GroupId,
            _ => null,
        };
        return string.IsNullOrEmpty(id) ? null : id;
    }

    /// <summary>A change kind as the portal and the history API name it.</summary>
    public static string Describe(string? kind) => kind switch
    {
        "UserUpsert" => "user update",
        "UserDisconnect" => "user disconnect",
        "PasswordSet" => "password set",
        "GroupUpsert" => "group update",
        "GroupDisconnect" => "group disconnect",
        "MembershipSet" => "membership update",
        null or "" => "change",
        _ => kind,
    };
}
