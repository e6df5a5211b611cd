using System.Diagnostics;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// The agent's part of a change's trace: a span per directory write, child of the trace context the change carries
/// (<c>Change.traceparent</c>), whose own context goes back in the entry's result so the control plane's ack span
/// follows it. Only <see cref="System.Diagnostics"/> (no SDK, to keep the NativeAOT file small): the listener creates
/// spans only for changes that carry a context, and nothing is exported from the agent.
/// </summary>
internal static class AgentTracing
{
    public const string SourceName = "JumpCloudAdi.Agent";

    private static readonly ActivitySource _source = new(SourceName, SyncAgent.Version);
    private static int _listening;

    /// <summary>Starts creating spans for traced changes (once per process).</summary>
    public static void Listen()
    {
        if (Interlocked.Exchange(ref _listening, 1) == 1)
        {
            return;
        }

        ActivitySource.AddActivityListener(new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _source),
            // A span only inside a trace that the control plane started; it keeps the parent's sampling decision.
            Sample = static (ref ActivityCreationOptions<ActivityContext> o) => o.Parent == default
                ? ActivitySamplingResult.None
                : (o.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
        });
    }

    /// <summary>A span for writing one change, or null when the change carries no (valid) trace context.</summary>
    public static Activity? StartWrite(string traceparent, long seq, string kind)
    {
        if (string.IsNullOrEmpty(traceparent) || !ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var span = _source.StartActivity("ldap.write", ActivityKind.Client, parent);
        span?.SetTag("jcadi.seq", seq);
        span?.SetTag("jcadi.change.kind", kind);
        return span;
    }
}
