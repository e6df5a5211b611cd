using System.Collections.Concurrent;
using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// A real control plane, a domain and a real agent process installed with the given settings, primary for the domain.
/// Changes are appended to the domain's change log as the API would (full desired state, one transaction), travel over
/// gRPC to the agent, and <see cref="ApplyAsync"/> returns the outcomes the agent acknowledged.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    private readonly TempDirectory _temp;
    private readonly ConcurrentDictionary<long, SyncOutcome> _outcomes = new();
    private readonly AgentEvents _events;

    private AgentHarness(TempDirectory temp, ControlPlaneHost controlPlane, AgentProcess agent, string domainId, string agentId)
    {
        _temp = temp;
        ControlPlane = controlPlane;
        Agent = agent;
        DomainId = domainId;
        AgentId = agentId;
        _events = controlPlane.Services.GetRequiredService<AgentEvents>();
        _events.SyncOutcomes += OnOutcomes;
    }

    public ControlPlaneHost ControlPlane { get; }
    public AgentProcess Agent { get; }
    public string DomainId { get; }
    public string AgentId { get; }

    /// <summary>
    /// Starts everything; <paramref name="options"/> are installer options beyond the directory's defaults,
    /// <paramref name="agentEnvironment"/> environment variables of the agent process.
    /// </summary>
    public static async Task<AgentHarness> StartAsync(IDirectoryServer directory, IReadOnlyDictionary<string, string?>? options = null,
        IDictionary<string, string>? controlPlaneSettings = null, IDictionary<string, string>? agentEnvironment = null)
    {
        var temp = new TempDirectory();
        var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"), controlPlaneSettings);
        try
        {
            var domainId = await controlPlane.CreateDomainAsync();
            var (agentId, connectKey) = await controlPlane.CreateConnectKeyAsync(domainId);
            var agent = new AgentProcess(temp.Sub("agent"));
            (await agent.TryInstallAsync(controlPlane, directory, connectKey, options)).EnsureSuccess("agent install");
            foreach (var (name, value) in agentEnvironment ?? new Dictionary<string, string>())
            {
                agent.Environment[name] = value;
            }

            agent.Start();
            var harness = new AgentHarness(temp, controlPlane, agent, domainId, agentId);
            await harness.WaitUntilPrimaryAsync();
            return harness;
        }
        catch
        {
            await controlPlane.DisposeAsync();
            temp.Dispose();
            throw;
        }
    }

    public async Task WaitUntilPrimaryAsync() =>
        await Processes.WaitUntilAsync(async () =>
        {
            Assert.False(Agent.HasExited, $"the agent exited with {Agent.ExitCode}: {Agent.Log}");
            var json = await ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{DomainId}", null, 200);
            return json["primaryAgent"]?.GetValue<string>() == AgentId;
        }, TimeSpan.FromSeconds(60), $"agent {AgentId} primary for its domain (agent log: {Agent.Log})");

    /// <summary>Appends the changes in one transaction and waits for the agent's outcome of each, in order.</summary>
    public async Task<IReadOnlyList<SyncOutcome>> ApplyAsync(params Change[] changes)
    {
        using (var scope = ControlPlane.Services.CreateScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<ChangeLog>();
            foreach (var change in changes)
            {
                await log.AppendAsync(DomainId, change, CancellationToken.None);
            }

            await log.CommitAsync(CancellationToken.None);
        }

        var seqs = changes.Select(c => c.Seq).ToList();
        await Processes.WaitUntilAsync(() => Task.FromResult(seqs.All(_outcomes.ContainsKey)), TimeSpan.FromSeconds(90),
            $"outcomes of changes {string.Join(",", seqs)} (agent log: {Agent.Log})");
        return seqs.Select(s => _outcomes[s]).ToList();
    }

    /// <summary>Applies one change and asserts it was applied; returns the anchor-bearing outcome.</summary>
    public async Task<SyncOutcome> MustApplyAsync(Change change)
    {
        var outcome = (await ApplyAsync(change))[0];
        Assert.True(outcome.Outcome == SyncOutcomeKind.Applied, $"change {change.KindCase} was {outcome.Outcome}: {outcome.Code} {outcome.Message}");
        return outcome;
    }

    /// <summary>A password change sealed to this agent's public key, as the control plane seals it (with the user's state).</summary>
    public async Task<Change> PasswordAsync(string userId, string username, string password, bool suspended = false)
    {
        var factory = ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
        await using var db = await factory.CreateDbContextAsync();
        var agent = await db.Agents.AsNoTracking().SingleAsync(a => a.Id == AgentId);
        Assert.NotNull(agent.PublicKey);
        var (ciphertext, keys) = SecretSealing.Seal(System.Text.Encoding.UTF8.GetBytes(password), [(agent.Id, agent.PublicKey!)]);
        var secret = new SealedSecret { Ciphertext = ByteString.CopyFrom(ciphertext) };
        secret.Keys.AddRange(keys.Select(k => new WrappedKey
        {
            AgentId = k.AgentId,
            EphemeralPublicKey = ByteString.CopyFrom(k.EphemeralPublicKey),
            Wrapped = ByteString.CopyFrom(k.WrappedKey),
        }));
        return new Change { PasswordSet = new PasswordSet { UserId = userId, Username = username, Password = secret, Suspended = suspended } };
    }

    private void OnOutcomes(IReadOnlyList<SyncOutcome> outcomes)
    {
        foreach (var outcome in outcomes.Where(o => o.DomainId == DomainId))
        {
            _outcomes[outcome.Seq] = outcome;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _events.SyncOutcomes -= OnOutcomes;
        Agent.Dispose();
        await ControlPlane.DisposeAsync();
        _temp.Dispose();
    }
}
