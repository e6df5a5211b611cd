using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Telemetry;

/// <summary>
/// A real Prometheus scrapes the control plane's <c>/metrics</c> over HTTPS with the API key as a bearer token, and the
/// series it stores follow the domain: the backlog rises while the only agent is stopped and falls to zero once it is
/// back, the acknowledged and agent-reported counters move, and request durations are recorded.
/// </summary>
public sealed class PrometheusMetricsTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    [Fact]
    public async Task Prometheus_sees_the_backlog_rise_while_the_agent_is_stopped_and_fall_after_it_restarts()
    {
        using var temp = new TempDirectory();
        var (controlPlane, agent, domainId, agentId) = await ThinPath.StartAsync(temp, slapd);
        await using var _ = controlPlane;
        using var __ = agent;
        await using var prometheus = await PrometheusServer.StartAsync(controlPlane.Url.Authority, "/metrics", controlPlane.Certificates.CaPath, ControlPlaneHost.ApiKey);

        var backlog = $"jcadi_changelog_backlog{{domain=\"{domainId}\"}}";
        async Task<double?> ValueAsync(string promql) => (await prometheus.QueryAsync(promql)).Select(r => (double?)r.Value).FirstOrDefault();
        string Why() => $"target: {prometheus.TargetHealthAsync().GetAwaiter().GetResult()}; prometheus: {prometheus.Log}; agent: {agent.Log}";

        // The agent has caught up (its start-up reconcile included): Prometheus reads a backlog of zero.
        await Processes.WaitUntilAsync(async () => await ValueAsync(backlog) == 0, TimeSpan.FromSeconds(60), () => $"backlog 0 scraped ({Why()})");

        agent.Kill();
        await Processes.WaitUntilAsync(async () => ThinPath.Agent(await controlPlane.AgentsAsync(domainId), agentId)!["state"]!.GetValue<string>() == "inactive",
            TimeSpan.FromSeconds(30), "the stopped agent's session ended");
        for (var i = 0; i < 5; i++)
        {
            var userId = await controlPlane.CreateUserAsync($"backlog.user{i}", "Backlog", $"User{i}");
            await controlPlane.BindUserAsync(domainId, userId);
        }

        // Nobody acknowledges: every bind is still pending, as Prometheus sees it.
        await Processes.WaitUntilAsync(async () => await ValueAsync(backlog) >= 5, TimeSpan.FromSeconds(30), () => $"backlog >= 5 scraped ({Why()})");
        Assert.True(await ValueAsync($"sum(jcadi_changes_appended_total{{domain=\"{domainId}\"}})") >= 5, "appended counter");

        agent.Start();
        await Processes.WaitUntilAsync(async () => await ValueAsync(backlog) == 0, TimeSpan.FromSeconds(60), () => $"backlog back to 0 ({Why()})");
        await ThinPath.WaitForEntryAsync(slapd, agent, "ou=People,dc=example,dc=com", "(uid=backlog.user4)", "uid");

        // The whole story is in the stored series: zero, at least five while stopped, zero again.
        Assert.True(await ValueAsync($"max_over_time({backlog}[10m])") >= 5, "the rise is stored");
        Assert.True(await ValueAsync($"sum(jcadi_changes_acknowledged_total{{domain=\"{domainId}\"}})") >= 5, "acknowledged counter");
        Assert.True(await ValueAsync($"sum(jcadi_outcomes_total{{domain=\"{domainId}\",outcome=\"applied\",code=\"0\"}})") >= 5, "applied outcomes with code 0");
        Assert.True(await ValueAsync($"sum(jcadi_primary_changes_total{{domain=\"{domainId}\"}})") >= 2, "two grants: before and after the restart");
        Assert.True(await ValueAsync("sum(jcadi_lease_renewals_total{result=\"renewed\"})") > 0, "lease renewals");
        Assert.Equal(1, await ValueAsync($"jcadi_agents{{domain=\"{domainId}\",state=\"active\"}}"));
        var routes = await prometheus.QueryAsync("sum by (http_route, http_request_method) (http_server_request_duration_seconds_count)");
        Assert.True(routes.Any(r => r.Labels["http_route"]?.GetValue<string>() == "/api/systemusers/" && r.Labels["http_request_method"]?.GetValue<string>() == "POST" && r.Value >= 5),
            "request durations of the user creations: " + string.Join("; ", routes.Select(r => $"{r.Labels.ToJsonString()}={r.Value}")));

        // The restarted agent reports its own counters in its heartbeats: exported and in the API's agent list.
        await Processes.WaitUntilAsync(async () =>
            await ValueAsync($"jcadi_agent_changes_total{{domain=\"{domainId}\",agent=\"{agentId}\",outcome=\"applied\"}}") >= 5,
            TimeSpan.FromSeconds(30), () => $"agent-reported applied counter ({Why()})");
        var stats = ThinPath.Agent(await controlPlane.AgentsAsync(domainId), agentId)!["stats"]!;
        Assert.True(stats["applied"]!.GetValue<long>() >= 5, stats.ToJsonString());
        Assert.Equal(0, stats["failed"]!.GetValue<long>());

        // Every panel of the shipped Grafana dashboard is valid PromQL over series that exist (no LDAP error happened here).
        // A rate has data once its counter was scraped twice: the acknowledged counter of this never-synced domain first
        // appears with the restarted agent's acks, a moment ago, so each panel gets a few scrapes' time to show data.
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(DashboardPath()))!;
        var expressions = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        Assert.Equal(10, expressions.Count);
        string Promql(string expr) => expr.Replace("$domain", domainId, StringComparison.Ordinal).Replace("$__rate_interval", "1m", StringComparison.Ordinal)
            .Replace("$__range", "10m", StringComparison.Ordinal);
        foreach (var promql in expressions.Where(e => !e.Contains("ldap_errors", StringComparison.Ordinal)).Select(Promql))
        {
            await Processes.WaitUntilAsync(async () => (await prometheus.QueryAsync(promql)).Count > 0, TimeSpan.FromSeconds(30),
                () => $"dashboard query {promql} has data ({Why()})");
        }

        // The LDAP error panel's query is valid too (Prometheus refuses one that is not); it has no data: no LDAP error happened.
        foreach (var promql in expressions.Where(e => e.Contains("ldap_errors", StringComparison.Ordinal)).Select(Promql))
        {
            await prometheus.QueryAsync(promql);
        }
    }

    private static string DashboardPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "ControlPlane", "deploy", "grafana", "jumpcloud-adi.json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("ControlPlane/deploy/grafana/jumpcloud-adi.json not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Metrics_need_the_API_key_as_x_api_key_or_bearer_token()
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        await controlPlane.CreateDomainAsync();
        using var anonymous = controlPlane.CreateClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key-0123456789abcdef0123456789");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ControlPlaneHost.ApiKey);
        var scraped = await anonymous.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        var text = await scraped.Content.ReadAsStringAsync();
        Assert.Contains("jcadi_changelog_backlog", text, StringComparison.Ordinal);
        // The runtime's own series (System.Runtime meter): JIT and GC work, which the benchmarks read from a published control plane.
        Assert.Contains("dotnet_jit_compiled_methods_total", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);

        using var keyed = controlPlane.CreateClient(ControlPlaneHost.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task A_separate_metrics_listener_serves_metrics_alone_without_a_key_and_the_main_port_no_longer_does()
    {
        using var temp = new TempDirectory();
        var port = Processes.FreePort();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"),
            new Dictionary<string, string> { ["Metrics:ListenUrl"] = $"http://127.0.0.1:{port}" });
        await controlPlane.CreateDomainAsync();
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var scraped = await plain.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("jcadi_changelog_backlog{", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/api/systemusers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/healthz")).StatusCode);

        using var keyed = controlPlane.CreateClient(ControlPlaneHost.ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, (await keyed.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/systemusers")).StatusCode);
    }
}
