using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using JumpCloudAdi.ControlPlane.Telemetry;
using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Telemetry;

/// <summary>
/// One trace from the API call to the ack: the association call (with a caller's traceparent), the change-log append,
/// the batch send, the real agent process's LDAP write (its span id, logged by the agent, is the ack span's parent)
/// and the ack. The control plane runs in-process, so an <see cref="ActivityListener"/> sees its spans.
/// </summary>
public sealed class TraceTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    [Fact]
    public async Task One_trace_spans_the_API_call_the_change_log_the_batch_the_agents_LDAP_write_and_the_ack()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ControlPlaneTelemetry.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        // A tiny OTLP/HTTP receiver for the agent's own export.
        var otlpPort = Processes.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{otlpPort}/");
        receiver.Start();
        var exported = new ConcurrentQueue<string>();
        var receiving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                try
                {
                    var context = await receiver.GetContextAsync();
                    using (var reader = new StreamReader(context.Request.InputStream))
                    {
                        exported.Enqueue($"{context.Request.HttpMethod} {context.Request.Url!.AbsolutePath} {context.Request.ContentType} {await reader.ReadToEndAsync()}");
                    }

                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        });

        using var temp = new TempDirectory();
        var (controlPlane, agent, domainId, _) = await ThinPath.StartAsync(temp, slapd, ["--verbose"],
            new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{otlpPort}" });
        await using var _ = controlPlane;
        using var __ = agent;
        var userId = await controlPlane.CreateUserAsync("trace.user", "Trace", "User");

        // The caller's own trace: the API call continues it.
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var bind = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations")
        {
            Content = JsonContent.Create(new { op = "add", type = "user", id = userId }),
        };
        bind.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        Assert.Equal(HttpStatusCode.NoContent, (await controlPlane.Api.SendAsync(bind)).StatusCode);
        await ThinPath.WaitForEntryAsync(slapd, agent, "ou=People,dc=example,dc=com", "(uid=trace.user)", "uid");

        List<Activity> Trace() => [.. spans.Where(s => s.TraceId == traceId)];
        await Processes.WaitUntilAsync(() => Task.FromResult(Trace().Any(s => s.OperationName == "agent.ack")), TimeSpan.FromSeconds(30),
            () => $"the ack span in trace {traceId}: {string.Join(", ", Trace().Select(s => s.OperationName))}");

        var trace = Trace();
        var request = Assert.Single(trace, s => s.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn");
        Assert.Equal(callerSpan, request.ParentSpanId);
        var append = Assert.Single(trace, s => s.OperationName == "changelog.append");
        Assert.Equal(request.SpanId, append.ParentSpanId);
        var send = Assert.Single(trace, s => s.OperationName == "agent.batch.send");
        Assert.Equal(append.SpanId, send.ParentSpanId);
        Assert.Equal(append.GetTagItem("jcadi.seq"), send.GetTagItem("jcadi.seq"));
        var ack = Assert.Single(trace, s => s.OperationName == "agent.ack");
        Assert.Equal("Applied", ack.GetTagItem("jcadi.outcome"));

        // The ack follows the agent's write span: a span of this trace the control plane did not make, the one the agent
        // logged for this change, itself the child of the send span it received.
        Assert.DoesNotContain(trace, s => s.SpanId == ack.ParentSpanId);
        var written = $"Change {send.GetTagItem("jcadi.seq")} written in trace {traceId} (span {ack.ParentSpanId}, parent {send.SpanId})";
        Assert.Contains(written, agent.Log, StringComparison.Ordinal);

        // The agent exported the same span over OTLP/HTTP (JSON), child of the send span.
        await Processes.WaitUntilAsync(() => Task.FromResult(exported.Any(e => e.Contains(ack.ParentSpanId.ToHexString(), StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), () => $"the agent's span exported ({exported.Count} requests: {string.Join(" | ", exported)})");
        var request2 = exported.First(e => e.Contains(ack.ParentSpanId.ToHexString(), StringComparison.Ordinal));
        Assert.StartsWith("POST /v1/traces application/json ", request2, StringComparison.Ordinal);
        var body = System.Text.Json.Nodes.JsonNode.Parse(request2["POST /v1/traces application/json ".Length..])!;
        var span = body["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]!.AsArray()
            .Single(s => s!["spanId"]!.GetValue<string>() == ack.ParentSpanId.ToHexString())!;
        Assert.Equal(traceId.ToHexString(), span["traceId"]!.GetValue<string>());
        Assert.Equal(send.SpanId.ToHexString(), span["parentSpanId"]!.GetValue<string>());
        Assert.Equal("ldap.write", span["name"]!.GetValue<string>());
    }
}
