using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Protocol;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// Applies one batch in order and returns the acknowledgement to send. Fencing: before each write the lease must still
/// cover the batch's epoch by the agent's own clock; from the first entry it does not, nothing more is written and the
/// ack asks for a resend from there (the next primary, or this one renewed, starts from the acknowledged cursor).
/// </summary>
internal sealed class BatchApplier(IChangeWriter writer, LeaseClock lease, ResendGate resend, StatusReporter status, ILogger logger)
{
    internal const string InSync = "reconcile: in sync";

    /// <summary>The ack for <paramref name="batch"/>; null when there is nothing to send (empty, or dropped while a resend is awaited).</summary>
    public Ack? Apply(ChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Changes.Count == 0 || resend.Drops(batch))
        {
            return null;
        }

        var ack = new Ack { Epoch = batch.Epoch };
        int applied = 0, skipped = 0, failed = 0, repaired = 0;
        var verdicts = new Dictionary<string, string>(StringComparer.Ordinal); // user id -> its reconcile message in this batch
        status.BatchStarting(batch);
        writer.LookAhead(batch.Changes);
        try
        {
            foreach (var change in batch.Changes)
            {
                // Fencing: stop before a write the lease no longer covers.
                if (!lease.Holds(batch.Epoch))
                {
                    AgentLog.BatchFenced(logger, batch.Epoch);
                    ack.ResendFrom = change.Seq;
                    resend.Ask(batch.Epoch, change.Seq);
                    break;
                }

                using var span = AgentTracing.StartWrite(change.Traceparent, change.Seq, change.KindCase.ToString());
                var result = change.Reconcile ? Reconcile(change, ref repaired, verdicts) : ApplyOne(writer, change);
                if (span is not null)
                {
                    span.SetTag("jcadi.outcome", result.Outcome.ToString());
                    AgentLog.ChangeTraced(logger, change.Seq, span.TraceId.ToString(), span.SpanId.ToString(), span.ParentSpanId.ToString());
                }

                ack.Results.Add(new EntryResult
                {
                    Traceparent = span?.Id ?? "",
                    Seq = change.Seq,
                    Outcome = result.Outcome,
                    Code = result.Code,
                    Message = result.Message,
                    ObjectId = change.ObjectId,
                    Anchor = result.Anchor,
                });
                switch (result.Outcome)
                {
                    case Outcome.Applied: applied++; break;
                    case Outcome.Skipped: skipped++; break;
                    default:
                        failed++;
                        AgentLog.ChangeFailed(logger, change.Seq, result.Code, result.Message);
                        status.CountError(result.Code, $"change {change.Seq}: LDAP {result.Code} {result.Message}");
                        break;
                }
            }
        }
        finally
        {
            writer.ForgetLookAhead();
        }

        var reconciled = ack.Results.Count > 0 ? batch.Changes.Count(c => c.Reconcile) : 0;
        status.BatchApplied(batch, ack, new BatchCounts(applied, skipped, failed, reconciled, repaired));
        if (ack.Results.Count > 0)
        {
            AgentLog.BatchApplied(logger, ack.Results[0].Seq, ack.Results[^1].Seq, applied, skipped, failed);
            if (reconciled > 0)
            {
                AgentLog.Reconciled(logger, reconciled, repaired);
            }
        }

        return ack.Results.Count > 0 || ack.ResendFrom != 0 ? ack : null;
    }

    /// <summary>
    /// Applies a reconcile entry and says whether the object was in sync or what was repaired. A user's password set
    /// follows its upsert and reports together with it (the user's status is the later entry's): an account that has a
    /// password keeps it and the upsert's verdict stands; one that had none (recreated) gets it, and the verdict says so.
    /// </summary>
    private ApplyResult Reconcile(Change change, ref int repaired, Dictionary<string, string> verdicts)
    {
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
                repaired++;
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
            repaired++;
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
