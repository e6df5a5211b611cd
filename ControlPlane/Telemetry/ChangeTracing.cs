using System.Diagnostics;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using Google.Protobuf.Collections;

namespace JumpCloudAdi.ControlPlane.Telemetry;

/// <summary>
/// Carries a change's trace from the API call to the ack: the entry's stored trace context becomes the parent of a
/// send span per traced entry, whose context the change carries to the agent (<c>Change.traceparent</c>); the agent's
/// write span comes back in the result, and the ack span follows it (same trace only, the sampling decision ours).
/// </summary>
internal static class ChangeTracing
{
    /// <summary>One send span per traced entry of the batch (disposed once the batch is written).</summary>
    public static SendSpans StartSend(IReadOnlyList<ChangeEntry> entries, ChangeBatch batch, string agentId)
    {
        var spans = new SendSpans();
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].TraceParent is not { } stored || !ActivityContext.TryParse(stored, null, isRemote: false, out var parent))
            {
                continue;
            }

            var span = ControlPlaneTelemetry.Source.StartActivity("agent.batch.send", ActivityKind.Producer, parent);
            span?.SetTag("jcadi.seq", entries[i].Seq);
            span?.SetTag("jcadi.agent", agentId);
            batch.Changes[i].Traceparent = span?.Id ?? stored;
            if (span is not null)
            {
                spans.Add(span);
            }
        }

        // Spans nest through Activity.Current as they start; the batch's own work goes on under the caller's.
        Activity.Current = spans.Previous;
        return spans;
    }

    /// <summary>Removes and returns the traced entries up to <paramref name="maxSeq"/>.</summary>
    public static List<(long Seq, string TraceParent)>? TakeAcked(Dictionary<long, string> traces, long maxSeq)
    {
        if (traces.Count == 0)
        {
            return null;
        }

        var taken = traces.Where(t => t.Key <= maxSeq).Select(t => (t.Key, t.Value)).ToList();
        foreach (var (seq, _) in taken)
        {
            traces.Remove(seq);
        }

        return taken;
    }

    /// <summary>An ack span per traced entry the accepted ack covers, child of the agent's write span when it sent one.</summary>
    public static void Acknowledged(List<(long Seq, string TraceParent)>? traced, RepeatedField<EntryResult> results)
    {
        if (traced is null || traced.Count == 0)
        {
            return;
        }

        var bySeq = results.ToDictionary(r => r.Seq);
        foreach (var (seq, sent) in traced)
        {
            if (!ActivityContext.TryParse(sent, null, isRemote: false, out var parent))
            {
                continue;
            }

            bySeq.TryGetValue(seq, out var result);
            if (result is { Traceparent.Length: > 0 } && ActivityContext.TryParse(result.Traceparent, null, isRemote: true, out var agentSpan)
                && agentSpan.TraceId == parent.TraceId)
            {
                // The agent's span, with our sampling decision (the agent exports nothing of its own).
                parent = new ActivityContext(agentSpan.TraceId, agentSpan.SpanId, parent.TraceFlags, isRemote: true);
            }

            using var span = ControlPlaneTelemetry.Source.StartActivity("agent.ack", ActivityKind.Consumer, parent);
            span?.SetTag("jcadi.seq", seq);
            if (result is not null)
            {
                span?.SetTag("jcadi.outcome", result.Outcome.ToString());
                span?.SetTag("jcadi.code", result.Code);
            }
        }
    }

    /// <summary>The send spans of one batch; stopped together.</summary>
    public sealed class SendSpans : IDisposable
    {
        private readonly List<Activity> _spans = [];

        public Activity? Previous { get; } = Activity.Current;

        public void Add(Activity span) => _spans.Add(span);

        public void Dispose()
        {
            foreach (var span in _spans)
            {
                span.Stop();
            }

            Activity.Current = Previous;
        }
    }
}
