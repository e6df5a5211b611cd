using JumpCloudAdi.Agent.Session;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.Agent.Session;

public class MemoryTrimmerTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Check_TrimsOnceABurstIsFollowedByAQuietPeriod()
    {
        using var trimmer = new MemoryTrimmer(Timeout.InfiniteTimeSpan, TimeProvider.System, () => 0);

        Assert.False(trimmer.Check(1 * MiB)); // little allocated: nothing worth giving back
        Assert.False(trimmer.Check(20 * MiB)); // busy: not interrupted
        Assert.False(trimmer.Check(40 * MiB));
        Assert.True(trimmer.Check(40 * MiB + 1000)); // quiet after the burst
        Assert.False(trimmer.Check(40 * MiB + 2000)); // idle: trimmed once only
        Assert.False(trimmer.Check(40 * MiB + 3000));
    }

    [Fact]
    public void Check_SteadyTrickleIsTrimmedEveryMiB()
    {
        using var trimmer = new MemoryTrimmer(Timeout.InfiniteTimeSpan, TimeProvider.System, () => 0);
        var trims = 0;
        for (long allocated = 0; allocated <= 20 * MiB; allocated += MiB / 2)
        {
            trims += trimmer.Check(allocated) ? 1 : 0;
        }

        Assert.Equal(20, trims); // at 1, 2, ... 20 MiB
    }

    [Fact]
    public void Checks_run_on_the_given_clock_every_period()
    {
        var time = new FakeTimeProvider();
        var reads = 0;
        using var trimmer = new MemoryTrimmer(TimeSpan.FromSeconds(5), time, () => ++reads);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, reads);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, reads);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, reads);
    }

    [Fact]
    public void CaughtUp_trims_at_once_after_a_burst_and_not_after_a_trickle()
    {
        using var trimmer = new MemoryTrimmer(Timeout.InfiniteTimeSpan, TimeProvider.System, () => 0);

        Assert.False(trimmer.CaughtUp(MemoryTrimmer.CaughtUpBytes - 1)); // a trickle: left to the timer
        Assert.True(trimmer.CaughtUp(MemoryTrimmer.CaughtUpBytes)); // a burst, even while the timer would call it busy
        Assert.False(trimmer.CaughtUp(MemoryTrimmer.CaughtUpBytes + 1000)); // caught up again with nothing new: not again
        Assert.False(trimmer.Check(MemoryTrimmer.CaughtUpBytes + 2000)); // nor by the timer's next check
        Assert.True(trimmer.CaughtUp(2 * MemoryTrimmer.CaughtUpBytes + 1000)); // the next burst
    }

    [Fact]
    public void After_a_timer_trim_catching_up_needs_a_new_burst()
    {
        using var trimmer = new MemoryTrimmer(Timeout.InfiniteTimeSpan, TimeProvider.System, () => 0);

        Assert.False(trimmer.Check(10 * MiB)); // busy
        Assert.True(trimmer.Check(10 * MiB + 1000)); // quiet: the timer trimmed
        Assert.False(trimmer.CaughtUp(10 * MiB + 2000));
        Assert.True(trimmer.CaughtUp(10 * MiB + 1000 + MemoryTrimmer.CaughtUpBytes));
    }
}
