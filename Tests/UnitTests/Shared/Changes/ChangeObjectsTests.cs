using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.UnitTests.Shared.Changes;

/// <summary>The shared helpers both the control plane and the agent ask of a change-log entry.</summary>
public class ChangeObjectsTests
{
    public static TheoryData<string, string, string, bool> Kinds() => new()
    {
        // kind, object id, username, carries an anchor
        { "UserUpsert", "u1", "ada", true },
        { "UserDisconnect", "u2", "bob", false },
        { "PasswordSet", "u3", "cy", false },
        { "GroupUpsert", "g1", "", true },
        { "GroupDisconnect", "g2", "", false },
        { "MembershipSet", "g3", "", false },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EachKind_NamesItsObjectAndAccount(string kind, string objectId, string username, bool hasAnchor)
    {
        var change = Make(kind);

        Assert.Equal(kind, change.KindCase.ToString());
        Assert.Equal(objectId, change.ObjectId);
        Assert.Equal(username, change.Username);
        Assert.Equal(hasAnchor, change.HasAnchor);
        Assert.Equal(objectId, JumpCloudAdi.ControlPlane.History.ChangeObjects.IdOf(change));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Anchor_IsReadAndWrittenOnUpsertsOnly(string kind, string objectId, string username, bool hasAnchor)
    {
        _ = (objectId, username);
        var change = Make(kind);

        change.Anchor = "guid-1";

        Assert.Equal(hasAnchor ? "guid-1" : "", change.Anchor);
        Assert.Equal(hasAnchor && kind == "UserUpsert" ? "guid-1" : "", change.UserUpsert?.Anchor ?? "");
        Assert.Equal(hasAnchor && kind == "GroupUpsert" ? "guid-1" : "", change.GroupUpsert?.Anchor ?? "");
    }

    [Fact]
    public void AnEntryOfNoKnownKind_ConcernsNothing()
    {
        var change = new Change { Seq = 7 };

        Assert.Equal("", change.ObjectId);
        Assert.Equal("", change.Username);
        Assert.False(change.HasAnchor);
        Assert.Null(JumpCloudAdi.ControlPlane.History.ChangeObjects.IdOf(change));
    }

    private static Change Make(string kind) => kind switch
    {
        "UserUpsert" => new Change { UserUpsert = new UserUpsert { UserId = "u1", Username = "ada" } },
        "UserDisconnect" => new Change { UserDisconnect = new UserDisconnect { UserId = "u2", Username = "bob" } },
        "PasswordSet" => new Change { PasswordSet = new PasswordSet { UserId = "u3", Username = "cy" } },
        "GroupUpsert" => new Change { GroupUpsert = new GroupUpsert { GroupId = "g1", Name = "staff" } },
        "GroupDisconnect" => new Change { GroupDisconnect = new GroupDisconnect { GroupId = "g2", Name = "old" } },
        "MembershipSet" => new Change { MembershipSet = new MembershipSet { GroupId = "g3", GroupName = "staff" } },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
