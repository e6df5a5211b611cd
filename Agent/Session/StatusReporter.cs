using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// What the agent tells about itself: the status file that <c>status</c> reads, the service manager's one-line status,
/// and the counters sent with every heartbeat. Counters are updated by the applier while the heartbeat reads them.
/// </summary>
internal sealed class StatusReporter(string configPath, LeaseClock lease, TimeProvider time, IServiceNotifier? notifier = null)
{
    private readonly AgentStatus _status = new();
    private readonly ProgressMeter _progress = new();
    private readonly Lock _statsLock = new();
    private readonly AgentStats _stats = new();

    /// <summary>What was last written (for tests and for callers that read the state back).</summary>
    public AgentStatus Current => _status;

    /// <summary>A standing warning (the plain-LDAP fallback), or null to clear it.</summary>
    public void Warn(string? warning) => _status.Warning = warning;

    /// <summary>Sets the state (and the last error when one is given) and writes the status file.</summary>
    public void Report(string state, string? error = null)
    {
        _status.State = state;
        _status.Pid = Environment.ProcessId;
        notifier?.Status(error is null ? state : $"{state}: {error}");
        _status.Epoch = lease.Epoch;
        _status.UpdatedAt = time.GetUtcNow();
        _status.LastError = error ?? _status.LastError;
        try
        {
            _status.Write(configPath);
        }
        catch (IOException)
        {
            // Status is informational; never let it stop syncing.
        }
    }

    /// <summary>Counts a failure (by LDAP result code when there is one) and keeps its text as the last error.</summary>
    public void CountError(int? ldapCode, string text)
    {
        lock (_statsLock)
        {
            if (ldapCode is { } code)
            {
                _stats.LdapErrors[code] = _stats.LdapErrors.GetValueOrDefault(code) + 1;
            }

            _stats.LastError = text.Length <= 1024 ? text : text[..1024];
            _stats.LastErrorUnixMillis = time.GetUtcNow().ToUnixTimeMilliseconds();
        }
    }

    /// <summary>The counters as a heartbeat sends them (a copy).</summary>
    public AgentStats Stats()
    {
        lock (_statsLock)
        {
            return _stats.Clone();
        }
    }

    /// <summary>A batch arrives: the sync run it belongs to (for the progress line).</summary>
    public void BatchStarting(ChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _progress.Starting(batch.Changes[0].Seq, batch.Changes[^1].Seq, batch.LastSeq, time.GetUtcNow());
    }

    /// <summary>A batch was applied (up to where the ack says): counters, the last batch, reconcile and progress lines.</summary>
    public void BatchApplied(ChangeBatch batch, Ack ack, BatchCounts counts)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(ack);
        lock (_statsLock)
        {
            _stats.Applied += counts.Applied;
            _stats.Skipped += counts.Skipped;
            _stats.Failed += counts.Failed;
        }

        if (ack.Results.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        _status.LastBatch = $"changes {ack.Results[0].Seq}..{ack.Results[^1].Seq}: {counts.Applied} applied, {counts.Skipped} skipped, {counts.Failed} failed";
        if (counts.Reconciled > 0)
        {
            _status.LastReconcile = $"{counts.Reconciled} entries checked, {counts.Repaired} repaired (changes {batch.Changes.First(c => c.Reconcile).Seq}..{batch.Changes.Last(c => c.Reconcile).Seq})";
            _status.LastReconcileAt = now;
        }

        _status.LastBatchAt = now;
        _progress.Applied(ack.Results[^1].Seq, now);
        _progress.Fill(_status);
        Report(_status.State);
    }
}

/// <summary>How a batch's entries ended.</summary>
internal readonly record struct BatchCounts(int Applied, int Skipped, int Failed, int Reconciled, int Repaired);
