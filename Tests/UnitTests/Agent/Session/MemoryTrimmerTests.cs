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
}
