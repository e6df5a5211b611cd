using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Session;

/// <summary>What a lease message did to this agent's standing.</summary>
internal enum LeaseTransition
{
    /// <summary>Granted again for the epoch already held: only the validity moved on.</summary>
    Renewed,

    /// <summary>Granted for an epoch this agent did not hold: it is now the primary.</summary>
    BecamePrimary,

    /// <summary>Not granted: the agent is a standby and applies nothing.</summary>
    Lost,
}

/// <summary>
/// The lease as this agent sees it: the epoch it holds (the fencing token) and until when, by its own monotonic clock,
/// it may write for that epoch. The validity is a safety fraction of what the control plane granted, counted from when
/// the grant arrived, so the agent stops before the control plane may hand the lease to another agent.
/// Read by the applier while the session's reader updates it.
/// </summary>
internal sealed class LeaseClock(TimeProvider time)
{
    /// <summary>The share of a granted lease this agent uses (the rest covers delay in transit and clock drift).</summary>
    internal const double SafetyFactor = 0.75;

    private long _epoch;
    private long _validUntil;
    private int _heartbeatMillis = 1000;

    /// <summary>The epoch held; 0 when standby.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>How often the control plane wants a heartbeat (it says so with every lease).</summary>
    public TimeSpan HeartbeatInterval => TimeSpan.FromMilliseconds(Volatile.Read(ref _heartbeatMillis));

    public LeaseTransition Apply(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.HeartbeatMillis > 0)
        {
            Volatile.Write(ref _heartbeatMillis, lease.HeartbeatMillis);
        }

        if (!lease.Granted)
        {
            Volatile.Write(ref _epoch, 0);
            return LeaseTransition.Lost;
        }

        var wasPrimary = Epoch == lease.Epoch;
        var ticks = (long)(lease.LeaseMillis * SafetyFactor * time.TimestampFrequency / 1000);
        Volatile.Write(ref _validUntil, time.GetTimestamp() + ticks);
        Volatile.Write(ref _epoch, lease.Epoch);
        return wasPrimary ? LeaseTransition.Renewed : LeaseTransition.BecamePrimary;
    }

    /// <summary>Whether a write for <paramref name="epoch"/> is covered now: that epoch is held and has not run out.</summary>
    public bool Holds(long epoch) => epoch != 0 && Epoch == epoch && time.GetTimestamp() < Volatile.Read(ref _validUntil);

    /// <summary>The session ended: whatever was held is no longer.</summary>
    public void Drop() => Volatile.Write(ref _epoch, 0);
}
