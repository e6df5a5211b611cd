using System.Collections.Concurrent;
using System.Globalization;
using JumpCloudAdi.ControlPlane.Portal.Live;

namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>
/// Follows each domain's backlog (last sequence number minus the acknowledged cursor) from the samples the live
/// updates take, and turns it into runs: a run starts when a backlog appears and ends when it is gone; its total grows
/// as more entries are appended meanwhile. Only runs of at least <see cref="MinimumRun"/> entries are shown, so a
/// single change does not flash a progress bar. Kept in memory per replica: after a restart a run is followed from
/// the first sample on. A run counts from the last sequence number seen while the domain was idle, so entries
/// acknowledged before the first sample of the run still count as done.
/// </summary>
public sealed class SyncProgress
{
    public const int MinimumRun = 50;
    private static readonly TimeSpan _rateWindow = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Run> _runs = new();

    /// <summary>Takes a sample; returns the domain's progress, or null while it has no run worth showing.</summary>
    public ProgressView? Observe(string domainId, long lastSeq, long ackedSeq, DateTimeOffset now)
    {
        var run = _runs.GetOrAdd(domainId, _ => new Run());
        lock (run)
        {
            if (lastSeq > ackedSeq && (!run.Active || ackedSeq < run.Start))
            {
                run.Active = true;
                // Everything above the last sequence seen while idle is new: acknowledged before this sample or not.
                run.Start = run.IdleLastSeq is { } idle ? Math.Min(idle, ackedSeq) : ackedSeq;
                run.StartedAt = now;
                run.Samples.Clear();
            }

            if (lastSeq <= ackedSeq)
            {
                run.IdleLastSeq = lastSeq;
            }

            if (!run.Active && run.Total == 0)
            {
                return null;
            }

            if (run.Active)
            {
                run.Total = lastSeq - run.Start;
                run.Done = Math.Clamp(ackedSeq - run.Start, 0, run.Total);
                run.Samples.Enqueue((now, run.Done));
                while (run.Samples.Count > 2 && now - run.Samples.Peek().At > _rateWindow)
                {
                    run.Samples.Dequeue();
                }

                if (ackedSeq >= lastSeq)
                {
                    run.Active = false;
                    run.FinishedAt = now;
                }
            }

            return run.Total < MinimumRun ? null : run.View(domainId);
        }
    }

    /// <summary>The domain's latest progress without taking a sample (for pages and hub snapshots).</summary>
    public ProgressView? Current(string domainId)
    {
        if (!_runs.TryGetValue(domainId, out var run))
        {
            return null;
        }

        lock (run)
        {
            return run.Total < MinimumRun ? null : run.View(domainId);
        }
    }

    public void Forget(string domainId) => _runs.TryRemove(domainId, out _);

    /// <summary>"1,000 of 2,004 applied · 480/s · about 3 s left", or how the last run ended.</summary>
    public static string Describe(bool running, long done, long total, double perSecond, double? secondsLeft, TimeSpan took)
    {
        var c = CultureInfo.InvariantCulture;
        if (!running)
        {
            return string.Format(c, "Last sync run: {0:N0} of {1:N0} applied in {2}", done, total, Duration(took.TotalSeconds));
        }

        var text = string.Format(c, "{0:N0} of {1:N0} applied", done, total);
        if (perSecond > 0)
        {
            text += string.Format(c, " · {0:N0}/s", perSecond);
        }

        text += secondsLeft is { } left ? $" · about {Duration(left)} left" : " · time left unknown";
        return text;
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 1 => "under 1 s",
        < 90 => string.Format(CultureInfo.InvariantCulture, "{0:N0} s", seconds),
        < 5400 => string.Format(CultureInfo.InvariantCulture, "{0:N0} min", seconds / 60),
        _ => string.Format(CultureInfo.InvariantCulture, "{0:N1} h", seconds / 3600),
    };

    private sealed class Run
    {
        public bool Active;
        public long Start;
        public long Done;
        public long Total;
        public long? IdleLastSeq;
        public DateTimeOffset StartedAt;
        public DateTimeOffset FinishedAt;
        public readonly Queue<(DateTimeOffset At, long Done)> Samples = new();

        public ProgressView View(string domainId)
        {
            double perSecond = 0;
            if (Samples.Count >= 2)
            {
                var first = Samples.Peek();
                var seconds = (Samples.Last().At - first.At).TotalSeconds;
                perSecond = seconds > 0 ? (Samples.Last().Done - first.Done) / seconds : 0;
            }

            double? left = Active && perSecond > 0 ? (Total - Done) / perSecond : null;
            return new ProgressView(domainId, Active, Done, Total, Math.Round(perSecond, 1), left is null ? null : Math.Round(left.Value, 1),
                Describe(Active, Done, Total, perSecond, left, FinishedAt - StartedAt));
        }
    }
}
