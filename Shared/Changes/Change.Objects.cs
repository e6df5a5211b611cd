namespace JumpCloudAdi.Protocol;

/// <summary>What both sides ask of a change-log entry: which object and which account it concerns.</summary>
public sealed partial class Change
{
    /// <summary>The JumpCloud id of the user or group this entry concerns; empty when none (an unknown kind).</summary>
    public string ObjectId => KindCase switch
    {
        KindOneofCase.UserUpsert => UserUpsert.UserId,
        KindOneofCase.UserDisconnect => UserDisconnect.UserId,
        KindOneofCase.PasswordSet => PasswordSet.UserId,
        KindOneofCase.GroupUpsert => GroupUpsert.GroupId,
        KindOneofCase.GroupDisconnect => GroupDisconnect.GroupId,
        KindOneofCase.MembershipSet => MembershipSet.GroupId,
        _ => "",
    };

    /// <summary>The username of the account a user entry concerns; empty for group entries.</summary>
    public string Username => KindCase switch
    {
        KindOneofCase.UserUpsert => UserUpsert.Username,
        KindOneofCase.UserDisconnect => UserDisconnect.Username,
        KindOneofCase.PasswordSet => PasswordSet.Username,
        _ => "",
    };

    /// <summary>Whether this entry carries a directory anchor (a user or group upsert: see <see cref="Anchor"/>).</summary>
    public bool HasAnchor => KindCase is KindOneofCase.UserUpsert or KindOneofCase.GroupUpsert;

    /// <summary>
    /// The directory anchor (objectGUID / entryUUID) the control plane recorded for the object an upsert concerns,
    /// filled in when the entry is sent; empty for other kinds, where setting it does nothing.
    /// </summary>
    public string Anchor
    {
        get => KindCase switch
        {
            KindOneofCase.UserUpsert => UserUpsert.Anchor,
            KindOneofCase.GroupUpsert => GroupUpsert.Anchor,
            _ => "",
        };
        set
        {
            switch (KindCase)
            {
                case KindOneofCase.UserUpsert:
                    UserUpsert.Anchor = value;
                    break;
                case KindOneofCase.GroupUpsert:
                    GroupUpsert.Anchor = value;
                    break;
            }
        }
    }
}
