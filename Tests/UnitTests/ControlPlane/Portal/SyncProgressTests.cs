using JumpCloudAdi.ControlPlane.Portal.Status;

namespace JumpCloudAdi.UnitTests.ControlPlane.Portal;

/// <summary>Runs of a domain's backlog as the portal shows them: start, growth, rate, time left, end.</summary>
public sealed class SyncProgressTests
{
    private const string Domain = "6b081975829546199f2d4e3b";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_run_counts_from_the_cursor_when_the_backlog_appeared_and_ends_when_it_is_gone()
    {
        var progress = new SyncProgress();
        Assert.Null(progress.Observe(Domain, 100, 100, T0));

        var started = progress.Observe(Domain, 2100, 100, T0.AddSeconds(1))!;
        Assert.Equal((true, 0L, 2000L), (started.Running, started.Done, started.Total));
        Assert.Null(started.SecondsLeft);

        var half = progress.Observe(Domain, 2100, 1100, T0.AddSeconds(3))!;
        Assert.Equal((1000L, 2000L), (half.Done, half.Total));
        Assert.Equal(500, half.PerSecond);
        Assert.Equal(2, half.SecondsLeft);
        Assert.Equal("1,000 of 2,000 applied · 500/s · about 2 s left", half.Text);

        // Entries appended meanwhile grow the run.
        var grown = progress.Observe(Domain, 2600, 1600, T0.AddSeconds(4))!;
        Assert.Equal((1500L, 2500L), (grown.Done, grown.Total));

        var done = progress.Observe(Domain, 2600, 2600, T0.AddSeconds(6))!;
        Assert.Equal((false, 2500L, 2500L), (done.Running, done.Done, done.Total));
        Assert.Equal("Last sync run: 2,500 of 2,500 applied in 5 s", done.Text);
        Assert.Equal(done, progress.Current(Domain));
    }

    [Fact]
    public void Entries_acknowledged_before_the_first_sample_of_a_run_count_as_done()
    {
        var progress = new SyncProgress();
        Assert.Null(progress.Observe(Domain, 100, 100, T0));
        var first = progress.Observe(Domain, 2100, 600, T0.AddSeconds(1))!;
        Assert.Equal((true, 500L, 2000L), (first.Running, first.Done, first.Total));
    }

    [Fact]
    public void Small_runs_are_not_shown()
    {
        var progress = new SyncProgress();
        Assert.Null(progress.Observe(Domain, 3, 0, T0));
        Assert.Null(progress.Observe(Domain, 3, 3, T0.AddSeconds(1)));
        Assert.Null(progress.Current(Domain));
    }
}
