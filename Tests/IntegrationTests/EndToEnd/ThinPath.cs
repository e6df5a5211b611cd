using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.EndToEnd;

/// <summary>
/// The foundation's path over the real wire: domain and connect key through the REST API, a real agent process that
/// enrolls over gRPC/TLS on the same port, and a bound user appearing in the real directory.
/// </summary>
internal static class ThinPath
{
    public sealed record Setup(ControlPlaneHost ControlPlane, AgentProcess Agent, string DomainId, string AgentId);

    /// <param name="agentArgs">More `run` options for the agent, e.g. `--verbose`.</param>
    /// <param name="agentEnvironment">Environment variables for the agent process.</param>
    public static async Task<Setup> StartAsync(TempDirectory temp, IDirectoryServer directory, string[]? agentArgs = null,
        IDictionary<string, string>? agentEnvironment = null)
    {
        var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domain = await controlPlane.MustAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain = "DC=example;DC=com" }, 201);
        var domainId = domain["id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{24}$", domainId);
        Assert.Equal("DC=example;DC=com", domain["domain"]!.GetValue<string>());

        var (agentId, connectKey) = await controlPlane.CreateConnectKeyAsync(domainId);
        Assert.True(connectKey.Length >= 43, "a connect key carries at least 256 bits");
        var agent = new AgentProcess(temp.Sub("agent"));
        await agent.InstallAsync(controlPlane, directory, connectKey);
        foreach (var (name, value) in agentEnvironment ?? new Dictionary<string, string>())
        {
            agent.Environment[name] = value;
        }

        agent.Start(agentArgs ?? []);

        await Processes.WaitUntilAsync(async () =>
        {
            Assert.False(agent.HasExited, $"the agent exited with {agent.ExitCode}: {agent.Log}");
            var agents = await controlPlane.AgentsAsync(domainId);
            return agents.Count == 1 && agents[0]!["state"]!.GetValue<string>() == "active";
        }, TimeSpan.FromSeconds(60), "agent enrolled and connected");

        // Only once the agent is primary can a change flow; the domain reports it.
        await Processes.WaitUntilAsync(async () =>
        {
            var json = await controlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}", null, 200);
            return json["primaryAgent"]?.GetValue<string>() == agentId;
        }, TimeSpan.FromSeconds(30), "agent is the domain's primary");
        return new Setup(controlPlane, agent, domainId, agentId);
    }

    public static async Task<LdapEntry> WaitForEntryAsync(IDirectoryServer directory, AgentProcess agent, string baseDn, string filter, params string[] attributes)
    {
        LdapEntry? found = null;
        await Processes.WaitUntilAsync(async () =>
        {
            var entries = await directory.SearchAsync(baseDn, filter, attributes);
            found = entries.SingleOrDefault();
            return found is not null;
        }, TimeSpan.FromSeconds(60), $"{filter} under {baseDn} (agent log: {agent.Log})");
        return found!;
    }

    public static JsonNode? Agent(JsonArray agents, string id) => agents.SingleOrDefault(a => a!["id"]!.GetValue<string>() == id);
}
