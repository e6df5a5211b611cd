using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// N simulated agents (N/2 domains, two agents each), each on its own TLS connection with a real gRPC session sending
/// heartbeats, against one control-plane process; reports that process's memory and CPU.
/// </summary>
internal static class FleetBenchmark
{
    public static async Task RunAsync(int agents, int seconds)
    {
        Console.WriteLine($"== fleet: {agents} simulated agents over gRPC/TLS, {agents / 2} domains, heartbeats every second, {seconds} s steady state; "
            + PublishedControlPlane.Describe());
        using var temp = new TempDirectory();
        var dll = await PublishedControlPlane.PublishAsync(CancellationToken.None);
        await using var server = await PublishedControlPlane.StartAsync(dll, temp.Sub("cp"),
            new Dictionary<string, string> { ["Kestrel:Limits:MaxConcurrentConnections"] = "100000" });
        var url = server.Url;
        var certificates = server.Certificates;
        var api = server.Client.Http;
        var idle = ProcessStats.Memory(server.Pid);
        Console.WriteLine($"   control plane idle: RSS {idle.RssKiB / 1024.0:0.0} MiB, private {idle.PrivateKiB / 1024.0:0.0} MiB");

        var setupWatch = Stopwatch.StartNew();
        var identities = await EnrollAsync(api, url, certificates.CaPath, agents);
        Console.WriteLine($"   created {agents / 2} domains and enrolled {agents} agents in {setupWatch.Elapsed.TotalSeconds:0.0} s");

        using var stop = new CancellationTokenSource();
        var connected = 0;
        var primaries = 0;
        var sessions = identities.Select(id => Task.Run(() => SimulateAsync(url, certificates.CaPath, id, stop.Token,
            () => Interlocked.Increment(ref connected), () => Interlocked.Increment(ref primaries)))).ToList();
        await Processes.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref connected) == agents), TimeSpan.FromSeconds(120), $"{agents} sessions open");
        Console.WriteLine($"   {agents} sessions open after {setupWatch.Elapsed.TotalSeconds:0.0} s");

        var cpuBefore = ProcessStats.CpuSeconds(server.Pid);
        var wall = Stopwatch.StartNew();
        long peakRss = 0, peakPrivate = 0;
        while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(1000);
            var (rss, priv) = ProcessStats.Memory(server.Pid);
            peakRss = Math.Max(peakRss, rss);
            peakPrivate = Math.Max(peakPrivate, priv);
        }

        var cpu = (ProcessStats.CpuSeconds(server.Pid) - cpuBefore) / wall.Elapsed.TotalSeconds * 100;
        var domains = JsonNode.Parse(await api.GetStringAsync("/api/v2/activedirectories?limit=100"))!.AsArray();
        Console.WriteLine($"   steady state with {agents} agents: peak RSS {peakRss / 1024.0:0.0} MiB, peak private {peakPrivate / 1024.0:0.0} MiB, "
            + $"CPU {cpu:0.0}% of one core; primaries granted {Volatile.Read(ref primaries)} of {agents / 2} domains; "
            + $"first page of domains with a primary: {domains.Count(d => d!["primaryAgent"] is not null)}/{domains.Count}   (target < 1024 MiB)");
        await stop.CancelAsync();
        await Task.WhenAll(sessions.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private static async Task<List<(string AgentId, string Credential)>> EnrollAsync(HttpClient api, Uri url, string caPath, int agents)
    {
        using var gateway = new GatewayClient(url, caPath);
        var identities = new List<(string, string)>();
        for (var d = 0; d < agents / 2; d++)
        {
            using var domain = await api.PostAsJsonAsync("/api/v2/activedirectories", new { domain = $"DC=fleet{d};DC=example;DC=com" });
            var domainId = JsonNode.Parse(await domain.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            for (var a = 0; a < 2; a++)
            {
                using var agent = await api.PostAsJsonAsync($"/api/v2/activedirectories/{domainId}/agents", new { });
                var key = JsonNode.Parse(await agent.Content.ReadAsStringAsync())!["connectKey"]!.GetValue<string>();
                var enrolled = await gateway.EnrollAsync(new EnrollRequest { ConnectKey = key, Hostname = $"sim-{d}-{a}", HostType = "MEMBER_SERVER", Version = "sim", AgentType = "SYNC" });
                identities.Add((enrolled.AgentId, enrolled.Credential));
            }
        }

        return identities;
    }

    private static async Task SimulateAsync(Uri url, string caPath, (string AgentId, string Credential) identity, CancellationToken ct, Action onConnected, Action onPrimary)
    {
        using var client = new GatewayClient(url, caPath);
        using var call = client.Connect(identity.AgentId, identity.Credential, ct);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { Hostname = "sim", HostType = "MEMBER_SERVER", Version = "sim" } }, ct);
        onConnected();
        var reader = Task.Run(async () =>
        {
            var primary = false;
            await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
            {
                if (message.BodyCase == ControlMessage.BodyOneofCase.Lease && message.Lease.Granted && !primary)
                {
                    primary = true;
                    onPrimary();
                }
            }
        }, ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(1000, ct);
                await call.RequestStream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat() }, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await reader;
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException)
        {
        }
    }
}
