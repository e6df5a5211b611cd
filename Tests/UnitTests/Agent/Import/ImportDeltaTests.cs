using JumpCloudAdi.Agent.Import;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.UnitTests.Agent.Import;

/// <summary>After the first accepted full pass only what changed is reported, with what left; DNs compare as the directory does.</summary>
public sealed class ImportDeltaTests
{
    private static ImportSnapshot Snapshot(params (string Anchor, string Name)[] users)
    {
        var snapshot = new ImportSnapshot();
        snapshot.Users.AddRange(users.Select(u => new ImportedUser { Anchor = u.Anchor, Username = u.Name }));
        return snapshot;
    }

    [Fact]
    public void The_first_report_is_full_then_only_changes_and_removals_and_a_reset_is_full_again()
    {
        var delta = new ImportDelta();
        var (first, users, groups) = delta.Build(Snapshot(("a", "ada"), ("b", "bob")));
        Assert.True(first.Full);
        Assert.Equal(2, first.Users.Count);

        // Not accepted (the report failed): the next is still full.
        Assert.True(delta.Build(Snapshot(("a", "ada"), ("b", "bob"))).Report.Full);
        delta.Accepted(users, groups);

        var unchanged = delta.Build(Snapshot(("a", "ada"), ("b", "bob"))).Report;
        Assert.True(ImportDelta.IsEmpty(unchanged));

        var (changed, u2, g2) = delta.Build(Snapshot(("a", "ava"), ("c", "cy")));
        Assert.False(changed.Full);
        Assert.Equal(["a", "c"], changed.Users.Select(u => u.Anchor).Order(StringComparer.Ordinal));
        Assert.Equal(["b"], changed.RemovedUserAnchors);
        delta.Accepted(u2, g2);

        delta.Reset();
        Assert.True(delta.Build(Snapshot(("a", "ava"))).Report.Full);
    }

    [Fact]
    public void Dns_compare_ignoring_case_and_spaces_around_components()
    {
        Assert.Equal(ImportReader.Key("CN=Ada Lovelace,OU=People,DC=example,DC=com"), ImportReader.Key("cn=ada lovelace, ou=people ,dc=Example,dc=com"));
        Assert.NotEqual(ImportReader.Key("CN=Ada\\, Countess,DC=example"), ImportReader.Key("CN=Ada,CN=Countess,DC=example"));
    }
}
