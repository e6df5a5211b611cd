using JumpCloudAdi.Agent.Directory;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

public sealed class KnownEntriesTests
{
    private sealed record Entry(string Dn, string[] Names, string Anchor);

    private static KnownEntries<Entry> New() => new(e => e.Dn, e => e.Names, e => e.Anchor);

    private static readonly Entry Alice = new("uid=alice,ou=People,dc=example,dc=com", ["alice"], "a-1");
    private static readonly Entry Bob = new("uid=bob,ou=People,dc=example,dc=com", ["bob"], "b-1");

    [Fact]
    public void Record_knows_found_entries_and_the_absence_of_the_rest()
    {
        var known = New();
        known.Record(["alice", "bob", "carol"], ["b-1", "z-9"], [Alice, Bob]);

        Assert.True(known.TryGetByName("ALICE", out var alice));
        Assert.Same(Alice, alice);
        Assert.True(known.TryGetByAnchor("B-1", out var bob));
        Assert.Same(Bob, bob);
        Assert.True(known.TryGetByName("carol", out var carol));
        Assert.Null(carol);
        Assert.True(known.TryGetByAnchor("z-9", out var none));
        Assert.Null(none);
        Assert.False(known.TryGetByName("dave", out _));
    }

    [Fact]
    public void A_name_two_entries_answer_stays_unknown()
    {
        var known = New();
        var twin = new Entry("uid=alice,ou=Sub,ou=People,dc=example,dc=com", ["alice"], "a-2");
        known.Record(["alice", "bob"], [], [Alice, twin]);

        Assert.False(known.TryGetByName("alice", out _));
        Assert.True(known.TryGetByName("bob", out var bob));
        Assert.Null(bob);
    }

    [Fact]
    public void An_entry_no_asked_key_explains_makes_absences_unknown()
    {
        // The server matched something by a rule this side does not repeat (e.g. insignificant spaces): trust no absence.
        var known = New();
        var odd = new Entry("uid=carol  x,ou=People,dc=example,dc=com", ["carol  x"], "c-1");
        known.Record(["alice", "carol x"], [], [Alice, odd]);

        Assert.True(known.TryGetByName("alice", out var alice));
        Assert.Same(Alice, alice);
        Assert.False(known.TryGetByName("carol x", out _));
    }

    [Fact]
    public void Forget_drops_every_key_of_the_written_entry_including_its_old_name()
    {
        var known = New();
        known.Record(["alice", "alicia", "bob"], ["a-1"], [Alice, Bob]);

        // alice (anchor a-1) is renamed to alicia: the old name, the anchor and the new name must all be looked up again.
        known.Forget("alicia", "a-1");

        Assert.False(known.TryGetByName("alice", out _));
        Assert.False(known.TryGetByName("alicia", out _));
        Assert.False(known.TryGetByAnchor("a-1", out _));
        Assert.True(known.TryGetByName("bob", out var bob));
        Assert.Same(Bob, bob);
    }

    [Fact]
    public void Forget_of_a_created_user_drops_its_known_absence()
    {
        var known = New();
        known.Record(["carol"], [], []);

        known.Forget("carol", "");

        Assert.False(known.TryGetByName("carol", out _));
    }

    [Fact]
    public void Clear_forgets_everything()
    {
        var known = New();
        known.Record(["alice"], ["a-1"], [Alice]);

        known.Clear();

        Assert.False(known.TryGetByName("alice", out _));
        Assert.False(known.TryGetByAnchor("a-1", out _));
    }
}
