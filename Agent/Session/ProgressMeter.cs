using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// Follows the primary's sync run (a reconcile, an initial sync, any backlog): a run starts with the first batch after
/// the agent caught up and ends when it has applied up to the domain's highest sequence number the control plane
/// reported with the batches (which grows while entries are appended). Written into the status file for <c>status</c>.
/// </summary>
internal sealed class ProgressMeter
{
    private bool _running;
    private long _start;
    private long _applied;
    private long _target;
    private DateTimeOffset _startedAt;
    private DateTimeOffset _updatedAt;

    /// <summary>A batch from <paramref name="firstSeq"/> to <paramref name="batchLastSeq"/> arrives; the domain is at <paramref name="domainLastSeq"/> (0 if not told).</summary>
    public void Starting(long firstSeq, long batchLastSeq, long domainLastSeq, DateTimeOffset now)
    {
        if (!_running || firstSeq <= _start)
        {
            _running = true;
            _start = firstSeq - 1;
            _applied = _start;
            _target = 0;
            _startedAt = now;
        }

        _target = Math.Max(_target, Math.Max(batchLastSeq, domainLastSeq));
        _updatedAt = now;
    }

    /// <summary>Entries up to <paramref name="seq"/> are applied (acknowledged).</summary>
    public void Applied(long seq, DateTimeOffset now)
    {
        if (!_running)
        {
            return;
        }

        _applied = Math.Max(_applied, seq);
        _updatedAt = now;
        if (_applied >= _target)
        {
            _running = false;
        }
    }

    public void Fill(AgentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_target == 0)
        {
            return;
        }

        status.ProgressRunning = _running;
        status.ProgressDone = _applied - _start;
        status.ProgressTotal = _target - _start;
        status.ProgressStartedAt = _startedAt;
        status.ProgressUpdatedAt = _updatedAt;
    }
}
