using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.ControlPlane.History;

/// <summary>Which object a change-log entry is about.</summary>
public static class ChangeObjects
{
    /// <summary>The JumpCloud id of the user or group <paramref name="change"/> concerns; null when none.</summary>
    public static string? IdOf(Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.ObjectId is { Length: > 0 } id ? id : null;
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
