using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

public sealed class FirstPasswordsTests
{
    private const string AliceId = "5f0000000000000000000001";
    private const string BobId = "5f0000000000000000000002";

    private static Change Upsert(string id, string name, bool reconcile = false) =>
        new() { UserUpsert = new UserUpsert { UserId = id, Username = name }, Reconcile = reconcile };

    private static Change Password(string id, string name, bool reconcile = false) =>
        new() { PasswordSet = new PasswordSet { UserId = id, Username = name }, Reconcile = reconcile };

    private static Change Disconnect(string id, string name) => new() { UserDisconnect = new UserDisconnect { UserId = id, Username = name } };

    private static Change Group(string name) => new() { GroupUpsert = new GroupUpsert { GroupId = "6f0000000000000000000001", Name = name } };

    private static FirstPasswords Planned(params Change[] changes)
    {
        var plan = new FirstPasswords();
        plan.Plan(changes);
        return plan;
    }

    [Fact]
    public void An_upsert_is_paired_with_the_password_set_that_is_the_next_entry_for_its_user_even_with_other_users_between()
    {
        var (alice, bob, alicePassword, bobPassword) = (Upsert(AliceId, "alice"), Upsert(BobId, "bob"), Password(AliceId, "alice"), Password(BobId, "bob"));
        var plan = Planned(alice, bob, Group("staff"), alicePassword, bobPassword);

        Assert.Same(alicePassword.PasswordSet, plan.After(alice.UserUpsert));
        Assert.Same(bobPassword.PasswordSet, plan.After(bob.UserUpsert));
    }

    [Fact]
    public void Not_paired_when_another_entry_for_the_same_account_comes_first_or_the_set_is_for_another_object_or_name()
    {
        var beforeDisconnect = Upsert(AliceId, "alice");
        Assert.Null(Planned(beforeDisconnect, Disconnect(AliceId, "alice"), Password(AliceId, "alice")).After(beforeDisconnect.UserUpsert));

        // A second upsert in between (a rename, a suspension): the set follows that one, not the first.
        var (first, second, set) = (Upsert(AliceId, "alice"), Upsert(AliceId, "alice2"), Password(AliceId, "alice2"));
        var plan = Planned(first, second, set);
        Assert.Null(plan.After(first.UserUpsert));
        Assert.Same(set.PasswordSet, plan.After(second.UserUpsert));

        // The same name in another case, for another object: the directory folds the two to one account.
        var otherObject = Upsert(AliceId, "alice");
        Assert.Null(Planned(otherObject, Password(BobId, "ALICE")).After(otherObject.UserUpsert));

        var otherCase = Upsert(AliceId, "alice");
        Assert.Null(Planned(otherCase, Password(AliceId, "Alice")).After(otherCase.UserUpsert));

        var last = Upsert(AliceId, "alice");
        Assert.Null(Planned(Password(AliceId, "alice"), last).After(last.UserUpsert));
    }

    [Fact]
    public void A_reconciles_entries_are_never_paired()
    {
        var (upsert, set) = (Upsert(AliceId, "alice", reconcile: true), Password(AliceId, "alice", reconcile: true));
        Assert.Null(Planned(upsert, set).After(upsert.UserUpsert));

        var plain = Upsert(AliceId, "alice");
        Assert.Null(Planned(plain, Password(AliceId, "alice", reconcile: true)).After(plain.UserUpsert));
    }

    [Fact]
    public void A_set_written_with_its_add_is_reported_once_and_a_new_plan_forgets_the_last_batch()
    {
        var (upsert, set) = (Upsert(AliceId, "alice"), Password(AliceId, "alice"));
        var plan = Planned(upsert, set);
        Assert.False(plan.Written(set.PasswordSet, out _));

        plan.Wrote(set.PasswordSet, "anchor-1");
        Assert.True(plan.Written(set.PasswordSet, out var anchor));
        Assert.Equal("anchor-1", anchor);
        Assert.False(plan.Written(set.PasswordSet, out _));

        plan.Wrote(set.PasswordSet, "anchor-1");
        plan.Plan([Upsert(BobId, "bob")]);
        Assert.False(plan.Written(set.PasswordSet, out _));
        Assert.Null(plan.After(upsert.UserUpsert));

        // An equal but other entry (a resend of the same set) is not the one that was written.
        plan.Plan([upsert, set]);
        plan.Wrote(set.PasswordSet, "anchor-1");
        Assert.False(plan.Written(set.PasswordSet.Clone(), out _));
    }
}
