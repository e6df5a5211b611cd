using System.Threading.Channels;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Portal.Live;

/// <summary>
/// Pushes agent status, primary changes and sync outcomes to open portal pages. <see cref="AgentEvents"/> wake it (a
/// round at most every <see cref="MinInterval"/>); a tick of one heartbeat also re-evaluates, because an agent can turn
/// red without any event (it stops sending heartbeats, a lease lapses). Only what changed since the last push is sent.
/// </summary>
public sealed class PortalLiveUpdates(
    AgentEvents events,
    SyncActivity activity,
    SyncProgress progress,
    IServiceScopeFactory scopes,
    IHubContext<PortalHub, IPortalClient> hub,
    TimeProvider time,
    IOptions<AgentsOptions> options,
    ILogger<PortalLiveUpdates> logger) : BackgroundService
{
    /// <summary>The shortest time between two rounds: pages get changes within about this, however often events come.</summary>
    internal static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<IReadOnlyList<SyncOutcome>> _outcomes = Channel.CreateUnbounded<IReadOnlyList<SyncOutcome>>();
    private readonly Dictionary<string, (string Fingerprint, string DomainId)> _agents = [];
    private readonly Dictionary<string, string?> _primaries = [];
    private readonly Dictionary<string, ProgressView> _progress = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.AgentStatusChanged += OnAgentChanged;
        events.PrimaryChanged += OnPrimaryChanged;
        events.SyncOutcomes += OnOutcomes;
        try
        {
            var tick = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
            while (!stoppingToken.IsCancellationRequested)
            {
                var roundStarted = time.GetTimestamp();
                try
                {
                    await PushOutcomesAsync(stoppingToken);
                    await PushChangesAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    PortalLog.LiveUpdateFailed(logger, ex);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(tick);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                    // Coalesced: what happens within MinInterval of the last round goes out in the next one, so a drain
                    // acknowledged in many small acks costs a few rounds a second rather than one per ack.
                    var since = time.GetElapsedTime(roundStarted);
                    if (since < MinInterval)
                    {
                        await Task.Delay(MinInterval - since, time, stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            events.AgentStatusChanged -= OnAgentChanged;
            events.PrimaryChanged -= OnPrimaryChanged;
            events.SyncOutcomes -= OnOutcomes;
        }
    }

    private void OnAgentChanged(string domainId, string agentId) => _wake.Writer.TryWrite(true);

    private void OnPrimaryChanged(string domainId) => _wake.Writer.TryWrite(true);

    private void OnOutcomes(IReadOnlyList<SyncOutcome> outcomes)
    {
        activity.Record(outcomes);
        _outcomes.Writer.TryWrite(outcomes);
        _wake.Writer.TryWrite(true);
    }

    private async Task PushOutcomesAsync(CancellationToken ct)
    {
        var pending = new List<SyncOutcome>();
        while (_outcomes.Reader.TryRead(out var batch))
        {
            pending.AddRange(batch);
        }

        if (pending.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<PortalReader>();
        foreach (var byDomain in (await reader.DescribeAsync(pending, ct)).GroupBy(o => o.DomainId))
        {
            await hub.Clients.Groups(PortalHub.DomainGroup(byDomain.Key), PortalHub.AllDomainsGroup).SyncOutcomes(byDomain.ToList());
        }
    }

    private async Task PushChangesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<PortalReader>();
        var now = time.GetUtcNow();
        var (domains, agents) = await reader.DomainsAndAgentsAsync(ct);

        foreach (var domain in domains.Values)
        {
            var primary = PortalReader.PrimaryOf(domain, now);
            if (!_primaries.TryGetValue(domain.Id, out var known) || known != primary)
            {
                _primaries[domain.Id] = primary;
                await hub.Clients.Groups(PortalHub.DomainGroup(domain.Id), PortalHub.AllDomainsGroup).PrimaryChanged(new PrimaryView(domain.Id, primary));
            }

            if (progress.Observe(domain.Id, domain.LastSeq, domain.AckedSeq, now) is { } run
                && (!_progress.TryGetValue(domain.Id, out var shown) || shown != run))
            {
                _progress[domain.Id] = run;
                await hub.Clients.Group(PortalHub.DomainGroup(domain.Id)).Progress(run);
            }
        }

        var seen = new HashSet<string>();
        foreach (var agent in agents.Where(a => domains.ContainsKey(a.DomainId)))
        {
            seen.Add(agent.Id);
            var view = reader.ToView(agent, PortalReader.PrimaryOf(domains[agent.DomainId], now), now);
            var fingerprint = Fingerprint(view, agent);
            if (_agents.TryGetValue(agent.Id, out var known) && known.Fingerprint == fingerprint)
            {
                continue;
            }

            _agents[agent.Id] = (fingerprint, agent.DomainId);
            await hub.Clients.Groups(PortalHub.DomainGroup(agent.DomainId), PortalHub.AllDomainsGroup).AgentChanged(view);
        }

        foreach (var (agentId, (_, domainId)) in _agents.Where(a => !seen.Contains(a.Key)).ToList())
        {
            _agents.Remove(agentId);
            activity.Forget(agentId);
            await hub.Clients.Groups(PortalHub.DomainGroup(domainId), PortalHub.AllDomainsGroup).AgentRemoved(domainId, agentId);
        }

        foreach (var gone in _primaries.Keys.Where(id => !domains.ContainsKey(id)).ToList())
        {
            _primaries.Remove(gone);
            _progress.Remove(gone);
            progress.Forget(gone);
        }
    }

    /// <summary>What makes a row look different; the detail sentence's "x s ago" alone does not.</summary>
    private static string Fingerprint(AgentView view, AgentRecord agent) =>
        string.Join('|', view.Level, view.Label, view.IsPrimary, agent.State, agent.Hostname, agent.HostType, agent.Version,
            agent.ContactAt?.ToUnixTimeSeconds(), agent.SettingsJson, agent.SourceIp);
}
