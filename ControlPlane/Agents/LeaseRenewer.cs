using System.Collections.Concurrent;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// Renews every lease held by agents connected to this replica in one statement per heartbeat, then tells each session
/// whether its lease is still its own. With a thousand agents this is two queries a second instead of a thousand
/// writes, so renewals stay on time under load and leases do not flap.
/// </summary>
public sealed partial class LeaseRenewer(
    IDbContextFactory<ControlPlaneDb> dbFactory,
    TimeProvider time,
    IOptions<AgentsOptions> options,
    Telemetry.ControlPlaneMetrics metrics,
    ILogger<LeaseRenewer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Held> _held = new();

    private sealed record Held(string DomainId, long Epoch, Action<bool> OnRenewal);

    /// <summary>Keeps renewing the agent's lease until it is lost or <see cref="Untrack"/> is called.</summary>
    public void Track(string agentId, string domainId, long epoch, Action<bool> onRenewal) =>
        _held[agentId] = new Held(domainId, epoch, onRenewal);

    public void Untrack(string agentId) => _held.TryRemove(agentId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RenewAllAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // A failed round renews nothing; sessions keep their lease until it lapses by the agents' own clocks.
                LogRenewalFailed(logger, ex);
            }
        }
    }

    internal async Task RenewAllAsync(CancellationToken ct)
    {
        var held = _held.ToArray();
        if (held.Length == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stillHeld = await new LeaseStore(db, time, options).RenewAsync(held.Select(h => (h.Key, h.Value.Epoch)).ToList(), ct);

        var lost = held.Count(h => !stillHeld.Contains((h.Key, h.Value.Epoch)));
        metrics.Renewals(held.Length - lost, lost);
        foreach (var (agentId, lease) in held)
        {
            var renewed = stillHeld.Contains((agentId, lease.Epoch));
            if (!renewed)
            {
                _held.TryRemove(new KeyValuePair<string, Held>(agentId, lease));
            }

            lease.OnRenewal(renewed);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Renewing the held leases failed; retrying on the next heartbeat")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);
}
