using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>slapd, the control plane as a process, two agents enrolled in one domain.</summary>
internal sealed class ChaosSetup : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, AgentProcess> _agents = [];

    private ChaosSetup()
    {
        ControlPlane = new ControlPlaneProcess(_temp.Sub("cp"));
    }

    public SlapdServer Slapd { get; } = new();
    public ControlPlaneProcess ControlPlane { get; }
    public string DomainId { get; private set; } = "";

    public static async Task<ChaosSetup> StartAsync()
    {
        var setup = new ChaosSetup();
        await setup.Slapd.InitializeAsync();
        await setup.ControlPlane.StartAsync();
        var api = setup.ControlPlane.Client;
        setup.DomainId = await api.CreateDomainAsync();
        for (var i = 0; i < 2; i++)
        {
            var (agentId, key) = await api.CreateConnectKeyAsync(setup.DomainId);
            var agent = new AgentProcess(setup._temp.Sub($"agent{i}"));
            await agent.InstallAsync(setup.ControlPlane.Url, setup.ControlPlane.Certificates.CaPath, setup.Slapd, key);
            setup._agents[agentId] = agent.Start();
        }

        await Processes.WaitUntilAsync(async () => (await api.AgentsAsync(setup.DomainId)).All(a => a!["state"]!.GetValue<string>() == "active"),
            TimeSpan.FromSeconds(60), "both agents connected");
        await setup.PrimaryProcessAsync();
        return setup;
    }

    public async Task<AgentProcess> PrimaryProcessAsync()
    {
        string? primary = null;
        await Processes.WaitUntilAsync(async () => (primary = await ControlPlane.Client.PrimaryAgentAsync(DomainId)) is not null,
            TimeSpan.FromSeconds(30), "a primary agent");
        return _agents[primary!];
    }

    public string Diagnostics() =>
        string.Join("\n", _agents.Select(a => $"--- agent {a.Key}:\n{Tail(a.Value.Log)}")) + $"\n--- control plane:\n{Tail(ControlPlane.Log)}";

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }

        ControlPlane.Dispose();
        await Slapd.DisposeAsync();
        _temp.Dispose();
    }
}
