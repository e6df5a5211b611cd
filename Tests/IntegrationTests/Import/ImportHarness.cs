using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Import;

/// <summary>
/// A real control plane with a domain configured to import, and a real IMPORT agent process installed against a
/// directory server through its command line (<c>install --agent-type import</c>), run once or polling.
/// </summary>
internal sealed class ImportHarness : IAsyncDisposable
{
    private readonly TempDirectory _temp;

    private ImportHarness(TempDirectory temp, ControlPlaneHost controlPlane, AgentProcess agent, string domainId, string agentId)
    {
        _temp = temp;
        ControlPlane = controlPlane;
        Agent = agent;
        DomainId = domainId;
        AgentId = agentId;
    }

    public ControlPlaneHost ControlPlane { get; }
    public AgentProcess Agent { get; }
    public string DomainId { get; }
    public string AgentId { get; }

    /// <summary>Installs an import agent for <paramref name="importGroupDn"/> with the given extra installer options.</summary>
    public static async Task<ImportHarness> StartAsync(IDirectoryServer directory, string importGroupDn, IReadOnlyDictionary<string, string?>? options = null,
        string? bindUser = null, string? bindPassword = null)
    {
        var temp = new TempDirectory();
        var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        try
        {
            var domainId = await controlPlane.CreateDomainAsync();
            await controlPlane.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "TWOWAYSYNC" }, 200);
            var key = await controlPlane.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "IMPORT" }, 201);
            var agent = new AgentProcess(temp.Sub("agent"));
            var all = new Dictionary<string, string?>
            {
                ["--agent-type"] = "import",
                ["--sync-group-dn"] = null,
                ["--import-group-dn"] = importGroupDn,
            };
            if (bindUser is not null)
            {
                all["--bind-user"] = bindUser;
                var passwordFile = Path.Combine(temp.Path, "import.pw");
                await File.WriteAllTextAsync(passwordFile, bindPassword + "\n");
                all["--bind-password-file"] = passwordFile;
            }

            foreach (var (name, value) in options ?? new Dictionary<string, string?>())
            {
                all[name] = value;
            }

            var install = await agent.TryInstallAsync(controlPlane, directory, key["connectKey"]!.GetValue<string>(), all);
            install.EnsureSuccess("import agent install");
            return new ImportHarness(temp, controlPlane, agent, domainId, key["id"]!.GetValue<string>());
        }
        catch
        {
            await controlPlane.DisposeAsync();
            temp.Dispose();
            throw;
        }
    }

    /// <summary><c>import --once</c>: its exit code and output.</summary>
    public Task<Processes.Result> ImportOnceAsync(IDictionary<string, string>? environment = null) =>
        environment is null
            ? AgentProcess.CliAsync("import", "--config", Agent.ConfigPath, "--once")
            : Processes.RunAsync("dotnet", [AgentProcess.AgentDll, "import", "--config", Agent.ConfigPath, "--once"], env: environment, timeout: TimeSpan.FromMinutes(1));

    public async Task<JsonObject?> UserAsync(string username)
    {
        var list = await ControlPlane.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=username:eq:{Uri.EscapeDataString(username)}", null, 200);
        return list["results"]!.AsArray().SingleOrDefault()?.AsObject();
    }

    public async Task<JsonObject?> UserByIdAsync(string id)
    {
        var (status, body) = await ControlPlane.SendAsync(HttpMethod.Get, $"/api/systemusers/{id}");
        return status == 200 ? body!.AsObject() : null;
    }

    public async Task<JsonObject?> GroupAsync(string name)
    {
        var list = await ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?filter=name:eq:{Uri.EscapeDataString(name)}", null, 200);
        return list.AsArray().SingleOrDefault()?.AsObject();
    }

    public async Task<List<string>> MemberIdsAsync(string groupId) =>
        (await ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{groupId}/members", null, 200)).AsArray()
        .Select(m => m!["to"]!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    public async Task<JsonArray> ImportsAsync() =>
        (await ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{DomainId}/imports", null, 200)).AsArray();

    public async ValueTask DisposeAsync()
    {
        Agent.Dispose();
        await ControlPlane.DisposeAsync();
        _temp.Dispose();
    }
}
