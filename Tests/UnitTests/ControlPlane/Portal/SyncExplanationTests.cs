using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Status;

namespace JumpCloudAdi.UnitTests.ControlPlane.Portal;

/// <summary>The "why" panel's reasoning: pending or acknowledged, and the one-line next step for each situation.</summary>
public sealed class SyncExplanationTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly SyncExplanation.AgentsFact Primary = new(2, 2, "dc1");

    private static SyncOutcomeFact Outcome(SyncOutcomeKind outcome, int code = 0, string message = "", string kind = "UserUpsert", long seq = 7) =>
        new(At, seq, kind, "6b08197522a08808fa70ac83", outcome, code, message);

    [Fact]
    public void A_password_the_DC_refused_says_to_set_a_compliant_password_and_keeps_the_DCs_text()
    {
        const string text = "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity requirements!";
        var why = SyncExplanation.Explain(false, ["Engineering"], (7, "PasswordSet"), 7, Outcome(SyncOutcomeKind.Failed, 19, text, "PasswordSet"), Primary);
        Assert.False(why.Pending);
        Assert.Equal("action", why.Level);
        Assert.Contains("set one that meets the domain's password policy", why.NextStep, StringComparison.Ordinal);
        Assert.Equal(text, why.LastOutcome!.Message);
        Assert.Equal(["Engineering"], why.ViaGroups);
    }

    [Fact]
    public void A_pending_change_waits_for_the_primary_and_counts_what_is_queued_before_it()
    {
        var why = SyncExplanation.Explain(true, [], (12, "UserUpsert"), 9, Outcome(SyncOutcomeKind.Applied), Primary);
        Assert.True(why.Pending);
        Assert.Equal("waiting", why.Level);
        Assert.Equal("Pending: waiting for the primary agent (dc1) to apply change 12 (2 changes queued before it).", why.NextStep);
    }

    [Fact]
    public void A_pending_change_with_no_agent_connected_says_to_check_the_agent_service()
    {
        var why = SyncExplanation.Explain(true, [], (12, "UserUpsert"), 9, null, new SyncExplanation.AgentsFact(1, 0, null));
        Assert.Equal("action", why.Level);
        Assert.StartsWith("No agent of this domain is connected: check the agent service", why.NextStep, StringComparison.Ordinal);

        var none = SyncExplanation.Explain(true, [], (12, "UserUpsert"), 9, null, new SyncExplanation.AgentsFact(0, 0, null));
        Assert.StartsWith("No agent is installed for this domain", none.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offline_agent_does_not_matter_once_the_last_change_was_applied()
    {
        var why = SyncExplanation.Explain(true, [], (7, "UserUpsert"), 7, Outcome(SyncOutcomeKind.Applied), new SyncExplanation.AgentsFact(1, 0, null));
        Assert.Equal(("ok", false), (why.Level, why.Pending));
        Assert.StartsWith("Nothing to do", why.NextStep, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, "lacks rights")]
    [InlineData(68, "already exists")]
    [InlineData(32, "does not exist")]
    [InlineData(19, "constraint violation")]
    [InlineData(80, "LDAP result 80")]
    public void Other_refusals_name_what_to_fix(int code, string expected)
    {
        var why = SyncExplanation.Explain(true, [], (7, "UserUpsert"), 7, Outcome(SyncOutcomeKind.Failed, code, "refused"), Primary);
        Assert.Contains(expected, why.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skipped_protected_account_is_explained_with_the_agents_reason()
    {
        var why = SyncExplanation.Explain(true, [], (7, "UserUpsert"), 7, Outcome(SyncOutcomeKind.Skipped, 0, "adminCount=1: protected account"), Primary);
        Assert.Contains("adminCount=1: protected account", why.NextStep, StringComparison.Ordinal);
    }
}
