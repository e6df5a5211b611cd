using JumpCloudAdi.Agent.Session;
using JumpCloudAdi.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>The lease by the agent's own clock: a safety share of what was granted, from when the grant arrived.</summary>
public sealed class LeaseClockTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_grant_covers_its_epoch_for_three_quarters_of_the_lease_and_no_longer()
    {
        var clock = new LeaseClock(_time);

        Assert.Equal(LeaseTransition.BecamePrimary, clock.Apply(SessionParts.Grant(7, leaseMillis: 1000)));
        Assert.True(clock.Holds(7));
        Assert.False(clock.Holds(6));
        Assert.False(clock.Holds(0));

        _time.Advance(TimeSpan.FromMilliseconds(749));
        Assert.True(clock.Holds(7));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(clock.Holds(7));
        Assert.Equal(7, clock.Epoch); // still the epoch held, but no write is covered any more
    }

    [Fact]
    public void A_renewal_moves_the_validity_on_from_when_it_arrives()
    {
        var clock = new LeaseClock(_time);
        clock.Apply(SessionParts.Grant(3, leaseMillis: 1000));
        _time.Advance(TimeSpan.FromMilliseconds(700));

        Assert.Equal(LeaseTransition.Renewed, clock.Apply(SessionParts.Grant(3, leaseMillis: 1000)));
        _time.Advance(TimeSpan.FromMilliseconds(700));

        Assert.True(clock.Holds(3));
    }

    [Fact]
    public void A_refusal_or_the_end_of_the_session_drops_the_epoch_at_once()
    {
        var clock = new LeaseClock(_time);
        clock.Apply(SessionParts.Grant(3));

        Assert.Equal(LeaseTransition.Lost, clock.Apply(new Lease { Granted = false, Epoch = 3 }));
        Assert.False(clock.Holds(3));
        Assert.Equal(0, clock.Epoch);

        Assert.Equal(LeaseTransition.BecamePrimary, clock.Apply(SessionParts.Grant(4)));
        clock.Drop();
        Assert.False(clock.Holds(4));
    }

    [Fact]
    public void The_heartbeat_interval_follows_the_lease_and_keeps_the_last_one_given()
    {
        var clock = new LeaseClock(_time);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.HeartbeatInterval);

        clock.Apply(SessionParts.Grant(1, heartbeatMillis: 250));
        clock.Apply(new Lease { Granted = false, Epoch = 1 });

        Assert.Equal(TimeSpan.FromMilliseconds(250), clock.HeartbeatInterval);
    }
}
