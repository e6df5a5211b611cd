using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Protocol;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// Applies one batch and returns the acknowledgement to send. Entries that may be written side by side (the writer
/// gives them a key, see <see cref="LanePlan"/>) are spread over the writer and the lanes beside it, each lane in
/// batch order; every other entry is written alone. Fencing: before each write, in every lane, the lease must still
/// cover the batch's epoch by the agent's own clock; from the first write it does not, nothing more is started and the
/// ack covers the entries written without a gap from the batch's start, asking for a resend from the first one that
/// was not (the next primary, or this one renewed, starts from the acknowledged cursor; entries written after the gap
/// are written again, harmlessly).
/// </summary>
internal sealed class BatchApplier(IChangeWriter writer, LeaseClock lease, ResendGate resend, StatusReporter status, ILogger logger,
    IReadOnlyList<IChangeWriter>? alongside = null)
{
    internal const string InSync = "reconcile: in sync";

    private readonly IReadOnlyList<IChangeWriter> _alongside = alongside ?? [];

    /// <summary>The ack for <paramref name="batch"/>; null when there is nothing to send (empty, or dropped while a resend is awaited).</summary>
    public Ack? Apply(ChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Changes.Count == 0 || resend.Drops(batch))
        {
            return null;
        }

        var changes = batch.Changes;
        var results = new EntryResult?[changes.Count];
        var run = new Run(batch.Epoch, results);
        status.BatchStarting(batch);
        writer.LookAhead(changes);
        try
        {
            var steps = LanePlan.Split(changes, c => c.Reconcile ? null : writer.ConcurrencyKey(c), _alongside.Count + 1);
            foreach (var step in steps)
            {
                if (!(step.Alone >= 0 ? WriteAlone(run, changes, step.Alone) : WriteSideBySide(run, changes, step.Lanes)))
                {
                    break;
                }
            }
        }
        finally
        {
            writer.ForgetLookAhead();
        }

        var ack = new Ack { Epoch = batch.Epoch };
        int applied = 0, skipped = 0, failed = 0;
        foreach (var result in results)
        {
            if (result is null)
            {
                break;
            }

            ack.Results.Add(result);
            switch (result.Outcome)
            {
                case Outcome.Applied: applied++; break;
                case Outcome.Skipped: skipped++; break;
                default:
                    failed++;
                    AgentLog.ChangeFailed(logger, result.Seq, result.Code, result.Message);
                    status.CountError(result.Code, $"change {result.Seq}: LDAP {result.Code} {result.Message}");
                    break;
            }
        }

        if (ack.Results.Count < changes.Count)
        {
            // Fenced: from the first entry not written on, nothing is acknowledged.
            var from = changes[ack.Results.Count].Seq;
            AgentLog.BatchFenced(logger, batch.Epoch);
            ack.ResendFrom = from;
            resend.Ask(batch.Epoch, from);
        }

        var reconciled = ack.Results.Count > 0 ? changes.Count(c => c.Reconcile) : 0;
        status.BatchApplied(batch, ack, new BatchCounts(applied, skipped, failed, reconciled, run.Repaired));
        if (ack.Results.Count > 0)
        {
            AgentLog.BatchApplied(logger, ack.Results[0].Seq, ack.Results[^1].Seq, applied, skipped, failed);
            if (reconciled > 0)
            {
                AgentLog.Reconciled(logger, reconciled, run.Repaired);
            }
        }

        return ack.Results.Count > 0 || ack.ResendFrom != 0 ? ack : null;
    }

    /// <summary>What one batch's writing shares between its lanes.</summary>
    private sealed class Run(long epoch, EntryResult?[] results)
    {
        private int _stopped;
        private Exception? _failure;

        public long Epoch { get; } = epoch;
        public EntryResult?[] Results { get; } = results;
        public int Repaired { get; set; }
        public Dictionary<string, string> Verdicts { get; } = new(StringComparer.Ordinal); // user id -> its reconcile message in this batch
        public bool Stopped => Volatile.Read(ref _stopped) != 0;
        public Exception? Failure => Volatile.Read(ref _failure);

        public void Stop() => Volatile.Write(ref _stopped, 1);

        public void Fail(Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            Stop();
        }
    }

    /// <summary>Writes one entry alone; false when the lease no longer covers it (nothing written).</summary>
    private bool WriteAlone(Run run, IReadOnlyList<Change> changes, int position)
    {
        if (!lease.Holds(run.Epoch))
        {
            return false;
        }

        var change = changes[position];
        run.Results[position] = Write(change, change.Reconcile ? () => Reconcile(run, change) : () => ApplyOne(writer, change));
        return true;
    }

    /// <summary>Writes the lanes side by side (the first on this thread); false when one was fenced. A directory failure is rethrown once all lanes stopped.</summary>
    private bool WriteSideBySide(Run run, IReadOnlyList<Change> changes, IReadOnlyList<IReadOnlyList<int>> lanes)
    {
        var others = new Task[lanes.Count - 1];
        for (var lane = 1; lane < lanes.Count; lane++)
        {
            var (positions, laneWriter) = (lanes[lane], _alongside[lane - 1]);
            others[lane - 1] = Task.Run(() => WriteLane(run, changes, positions, laneWriter));
        }

        WriteLane(run, changes, lanes[0], writer);
        Task.WaitAll(others);
        if (run.Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return !run.Stopped;
    }

    private void WriteLane(Run run, IReadOnlyList<Change> changes, IReadOnlyList<int> positions, IChangeWriter laneWriter)
    {
        foreach (var position in positions)
        {
            // Fencing, in every lane: nothing new starts once the lease is in doubt (or another lane stopped).
            if (run.Stopped || !lease.Holds(run.Epoch))
            {
                run.Stop();
                return;
            }

            var change = changes[position];
            try
            {
                run.Results[position] = Write(change, () => ApplyOne(laneWriter, change));
            }
#pragma warning disable CA1031 // Whatever it is, it is rethrown by WriteSideBySide once every lane has stopped.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                run.Fail(ex);
                return;
            }
        }
    }

    private EntryResult Write(Change change, Func<ApplyResult> apply)
    {
        using var span = AgentTracing.StartWrite(change.Traceparent, change.Seq, change.KindCase.ToString());
        var result = apply();
        if (span is not null)
        {
            span.SetTag("jcadi.outcome", result.Outcome.ToString());
            AgentLog.ChangeTraced(logger, change.Seq, span.TraceId.ToString(), span.SpanId.ToString(), span.ParentSpanId.ToString());
        }

        return new EntryResult
        {
            Traceparent = span?.Id ?? "",
            Seq = change.Seq,
            Outcome = result.Outcome,
            Code = result.Code,
            Message = result.Message,
            ObjectId = change.ObjectId,
            Anchor = result.Anchor,
        };
    }

    /// <summary>
    /// Applies a reconcile entry and says whether the object was in sync or what was repaired. A user's password set
    /// follows its upsert and reports together with it (the user's status is the later entry's): an account that has a
    /// password keeps it and the upsert's verdict stands; one that had none (recreated) gets it, and the verdict says so.
    /// </summary>
    private ApplyResult Reconcile(Run run, Change change)
    {
        var verdicts = run.Verdicts;
        if (change.KindCase == Change.KindOneofCase.PasswordSet)
        {
            var set = ApplyOne(writer, change);
            if (set.Outcome != Outcome.Applied)
            {
                return set;
            }

            var verdict = verdicts.GetValueOrDefault(change.PasswordSet.UserId, InSync);
            if (!change.PasswordSet.OnlyIfUnset)
            {
                // reconcile --passwords: written whether or not the account had one (a rebuilt DC).
                return set with { Message = verdict + "; password re-sent" };
            }

            if (set.Message == UserWriter.PasswordKeptNote)
            {
                return set with { Message = verdict };
            }

            if (verdict == InSync)
            {
                run.Repaired++;
                verdict = "reconcile: repaired";
            }

            return set with { Message = verdict + "; password set (the account had none)" };
        }

        var before = writer.Fingerprint(change);
        var result = ApplyOne(writer, change);
        if (result.Outcome != Outcome.Applied)
        {
            return result;
        }

        var after = writer.Fingerprint(change);
        string message;
        if (string.Equals(before, after, StringComparison.Ordinal))
        {
            message = InSync;
        }
        else
        {
            run.Repaired++;
            message = before is null ? "reconcile: repaired (was missing, recreated)" : "reconcile: repaired (drift corrected)";
        }

        if (change.KindCase == Change.KindOneofCase.UserUpsert)
        {
            verdicts[change.UserUpsert.UserId] = message;
        }

        return result with { Message = message };
    }

    /// <summary>
    /// Permanent refusals are results; a directory that is down or busy throws so the batch is retried from the
    /// cursor after reconnecting (nothing is acknowledged that was not applied).
    /// </summary>
    private static ApplyResult ApplyOne(IChangeWriter writer, Change change)
    {
        try
        {
            return writer.Apply(change);
        }
        catch (DirectoryOperationException ex) when (ex.Response is { } r && r.ResultCode is not (ResultCode.Busy or ResultCode.Unavailable))
        {
            var message = string.IsNullOrEmpty(r.ErrorMessage) ? ex.Message : r.ErrorMessage;
            return ApplyResult.Failed((int)r.ResultCode, message.Trim('\0', ' '));
        }
    }
}
