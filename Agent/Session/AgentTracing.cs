using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// The agent's part of a change's trace: a span per directory write, child of the trace context the change carries
/// (<c>Change.traceparent</c>), whose own context goes back in the entry's result so the control plane's ack span
/// follows it. Only <see cref="System.Diagnostics"/> (no SDK, to keep the NativeAOT file small): the listener creates
/// spans only for changes that carry a context. With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, recorded spans are
/// exported there over OTLP/HTTP with JSON (<c>POST {endpoint}/v1/traces</c>, in batches); unset, nothing is exported.
/// </summary>
internal static class AgentTracing
{
    public const string SourceName = "JumpCloudAdi.Agent";

    private static readonly ActivitySource _source = new(SourceName, SyncAgent.Version);
    private static int _listening;

    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const int MaxQueued = 2048;
    private const int MaxPerExport = 512;

    /// <summary>Starts creating spans for traced changes (once per process), exporting them when an endpoint is given.</summary>
    /// <returns>Why the endpoint is not used, or null.</returns>
    public static string? Listen(string? otlpEndpoint)
    {
        if (Interlocked.Exchange(ref _listening, 1) == 1)
        {
            return null;
        }

        string? problem = null;
        Channel<Activity>? queue = null;
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            if (Uri.TryCreate(otlpEndpoint.TrimEnd('/') + "/v1/traces", UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                queue = Channel.CreateBounded<Activity>(new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
                _ = Task.Run(() => ExportLoopAsync(queue.Reader, url));
            }
            else
            {
                problem = $"{OtlpEndpointVariable} '{otlpEndpoint}' is not an http(s) URL; traces are not exported";
            }
        }

        ActivitySource.AddActivityListener(new ActivityListener
        {
            ActivityStopped = a =>
            {
                if (a.Recorded)
                {
                    queue?.Writer.TryWrite(a);
                }
            },
            ShouldListenTo = s => ReferenceEquals(s, _source),
            // A span only inside a trace that the control plane started; it keeps the parent's sampling decision.
            Sample = static (ref ActivityCreationOptions<ActivityContext> o) => o.Parent == default
                ? ActivitySamplingResult.None
                : (o.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
        });
        return problem;
    }

    private static async Task ExportLoopAsync(ChannelReader<Activity> queue, Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var batch = new List<Activity>(MaxPerExport);
        while (await queue.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxPerExport && queue.TryRead(out var span))
            {
                batch.Add(span);
            }

            try
            {
                using var content = new ByteArrayContent(Serialize(batch));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(url, content);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Telemetry is best effort: a collector that is down never slows or stops syncing.
            }
        }
    }

    /// <summary>An OTLP <c>ExportTraceServiceRequest</c> in its JSON encoding (ids in hex, times as strings).</summary>
    internal static byte[] Serialize(IReadOnlyList<Activity> spans)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("resourceSpans");
            json.WriteStartObject();
            json.WriteStartObject("resource");
            json.WriteStartArray("attributes");
            Attribute(json, "service.name", "jumpcloud-adi-agent");
            Attribute(json, "service.version", SyncAgent.Version);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("scopeSpans");
            json.WriteStartObject();
            json.WriteStartObject("scope");
            json.WriteString("name", SourceName);
            json.WriteEndObject();
            json.WriteStartArray("spans");
            foreach (var span in spans)
            {
                json.WriteStartObject();
                json.WriteString("traceId", span.TraceId.ToHexString());
                json.WriteString("spanId", span.SpanId.ToHexString());
                if (span.ParentSpanId != default)
                {
                    json.WriteString("parentSpanId", span.ParentSpanId.ToHexString());
                }

                json.WriteString("name", span.OperationName);
                json.WriteNumber("kind", span.Kind switch { ActivityKind.Server => 2, ActivityKind.Client => 3, ActivityKind.Producer => 4, ActivityKind.Consumer => 5, _ => 1 });
                var start = (span.StartTimeUtc - DateTime.UnixEpoch).Ticks * 100;
                json.WriteString("startTimeUnixNano", start.ToString(CultureInfo.InvariantCulture));
                json.WriteString("endTimeUnixNano", (start + span.Duration.Ticks * 100).ToString(CultureInfo.InvariantCulture));
                json.WriteStartArray("attributes");
                foreach (var (key, value) in span.TagObjects)
                {
                    Attribute(json, key, value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Attribute(Utf8JsonWriter json, string key, object? value)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        json.WriteStartObject("value");
        switch (value)
        {
            case long or int:
                json.WriteString("intValue", Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case bool b:
                json.WriteBoolean("boolValue", b);
                break;
            default:
                json.WriteString("stringValue", Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }

        json.WriteEndObject();
        json.WriteEndObject();
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
