using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>slapd + the published control plane (its own process) + agents, as the integration tests set them up.</summary>
internal sealed class BenchmarkSetup : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<AgentProcess> _agents = [];

    public SlapdServer Slapd { get; } = new();
    public PublishedControlPlane ControlPlane { get; private set; } = null!;
    public string DomainId { get; private set; } = "";
    public IReadOnlyList<AgentProcess> Agents => _agents;
    public Dictionary<AgentProcess, string> AgentIds { get; } = [];

    public static async Task<BenchmarkSetup> StartAsync(int agents)
    {
        var setup = new BenchmarkSetup();
        await setup.Slapd.InitializeAsync();
        var dll = await PublishedControlPlane.PublishAsync(CancellationToken.None);
        setup.ControlPlane = await PublishedControlPlane.StartAsync(dll, setup._temp.Sub("cp"));
        setup.DomainId = await setup.ControlPlane.CreateDomainAsync();
        for (var i = 0; i < agents; i++)
        {
            var (agentId, key) = await setup.ControlPlane.CreateConnectKeyAsync(setup.DomainId);
            var agent = new AgentProcess(setup._temp.Sub($"agent{i}"));
            await agent.InstallAsync(setup.ControlPlane.Url, setup.ControlPlane.Certificates.CaPath, setup.Slapd, key);
            setup._agents.Add(agent);
            setup.AgentIds[agent] = agentId;
            agent.Start();
        }

        await Processes.WaitUntilAsync(async () => (await setup.ControlPlane.AgentsAsync(setup.DomainId)).All(a => a!["state"]!.GetValue<string>() == "active"),
            TimeSpan.FromSeconds(90), "all agents connected");
        await setup.WaitForPrimaryAsync(TimeSpan.FromSeconds(30));
        return setup;
    }

    public async Task<string> WaitForPrimaryAsync(TimeSpan timeout, string? not = null)
    {
        string? primary = null;
        await Processes.WaitUntilAsync(async () =>
        {
            var json = await ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{DomainId}", null, 200);
            primary = json["primaryAgent"]?.GetValue<string>();
            return primary is not null && primary != not;
        }, timeout, "a primary agent");
        return primary!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        await ControlPlane.DisposeAsync();
        await Slapd.DisposeAsync();
        _temp.Dispose();
    }
}
