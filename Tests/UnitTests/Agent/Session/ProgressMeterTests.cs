using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Session;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>The agent's view of a sync run, as <c>status</c> prints it.</summary>
public sealed class ProgressMeterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Batches_of_a_run_advance_x_of_N_with_rate_and_time_left_and_the_end_is_reported()
    {
        var meter = new ProgressMeter();
        var status = new AgentStatus();
        Assert.Null(status.DescribeProgress());

        meter.Starting(101, 600, 2100, T0);
        meter.Applied(600, T0.AddSeconds(1));
        meter.Fill(status);
        Assert.Equal((true, 500L, 2000L), (status.ProgressRunning, status.ProgressDone, status.ProgressTotal));
        Assert.StartsWith("500 of 2,000 applied, 500/s, about 3 s left", status.DescribeProgress(), StringComparison.Ordinal);

        meter.Starting(601, 1100, 2100, T0.AddSeconds(1));
        meter.Applied(1100, T0.AddSeconds(2));
        meter.Fill(status);
        Assert.Equal(1000L, status.ProgressDone);

        meter.Starting(1101, 2100, 2100, T0.AddSeconds(2));
        meter.Applied(2100, T0.AddSeconds(4));
        meter.Fill(status);
        Assert.False(status.ProgressRunning);
        Assert.Equal("last run: 2,000 of 2,000 applied in 4 s (500/s)", status.DescribeProgress());

        // The next change starts a new run.
        meter.Starting(2101, 2101, 2101, T0.AddSeconds(10));
        meter.Fill(status);
        Assert.Equal((true, 0L, 1L), (status.ProgressRunning, status.ProgressDone, status.ProgressTotal));
    }

    [Fact]
    public void A_control_plane_that_does_not_send_the_last_sequence_still_gives_the_batchs_own_range()
    {
        var meter = new ProgressMeter();
        var status = new AgentStatus();
        meter.Starting(1, 500, 0, T0);
        meter.Applied(250, T0.AddSeconds(1));
        meter.Fill(status);
        Assert.Equal((250L, 500L), (status.ProgressDone, status.ProgressTotal));
    }
}
