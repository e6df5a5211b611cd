using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Status;

namespace JumpCloudAdi.UnitTests.ControlPlane.Portal;

/// <summary>The colour and label of an agent in the portal, for every state and at the freshness edges.</summary>
public sealed class AgentHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    private static AgentRecord Agent(string state, DateTimeOffset? contactAt = null, DateTimeOffset? keyExpiresAt = null) => new()
    {
        Id = "6b08197522a08808fa70ac83",
        DomainId = "6b081975829546199f2d4e3b",
        State = state,
        ContactAt = contactAt,
        ConnectKeyHash = [1, 2, 3],
        KeyExpiresAt = keyExpiresAt ?? Now.AddDays(7),
    };

    [Fact]
    public void An_agent_awaiting_install_is_yellow_until_its_key_expires()
    {
        var waiting = AgentHealth.Evaluate(Agent(AgentStates.Unsealed, keyExpiresAt: Now.AddSeconds(1)), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Yellow, "Awaiting install"), (waiting.Level, waiting.Label));
        Assert.Contains("2026-11-26 12:00 UTC", waiting.Detail, StringComparison.Ordinal);

        var expired = AgentHealth.Evaluate(Agent(AgentStates.Unsealed, keyExpiresAt: Now), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Yellow, "Key expired"), (expired.Level, expired.Label));
        Assert.Contains("add a new one", expired.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connected_agent_is_green_while_its_contact_is_fresh_and_red_just_after()
    {
        var freshFor = AgentHealth.FreshFor(Heartbeat);
        Assert.Equal(TimeSpan.FromSeconds(3) + (2 * AgentHealth.ContactRecordInterval), freshFor);

        var edge = AgentHealth.Evaluate(Agent(AgentStates.Active, Now - freshFor), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Green, "Connected"), (edge.Level, edge.Label));

        var stale = AgentHealth.Evaluate(Agent(AgentStates.Active, Now - freshFor - TimeSpan.FromMilliseconds(1)), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Red, "Not responding"), (stale.Level, stale.Label));
        Assert.Contains($"{(int)freshFor.TotalSeconds} s", stale.Detail, StringComparison.Ordinal);

        var never = AgentHealth.Evaluate(Agent(AgentStates.Active), Now, Heartbeat, null);
        Assert.Equal(AgentHealthLevel.Red, never.Level);
    }

    [Fact]
    public void A_connected_agent_whose_latest_results_failed_is_red_with_the_directorys_reason()
    {
        var failing = AgentHealth.Evaluate(Agent(AgentStates.Active, Now), Now, Heartbeat, new SyncFailure(19, "constraint violation: password too short", Now));
        Assert.Equal((AgentHealthLevel.Red, "Sync failing"), (failing.Level, failing.Label));
        Assert.Contains("password too short (code 19)", failing.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disconnected_agent_is_red_if_it_was_ever_heard_from_and_yellow_if_it_never_connected()
    {
        var gone = AgentHealth.Evaluate(Agent(AgentStates.Inactive, Now.AddMinutes(-3)), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Red, "Disconnected"), (gone.Level, gone.Label));
        Assert.Contains("11:57 UTC", gone.Detail, StringComparison.Ordinal);

        var never = AgentHealth.Evaluate(Agent(AgentStates.Inactive), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Yellow, "Not connected"), (never.Level, never.Label));
    }
}
