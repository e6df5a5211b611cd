using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// Once the control plane has started, runs each statement an agent's session makes per batch and per acknowledgement
/// (<see cref="SessionQueries"/>, the lease store, the outcome recording, the portal's live updates) once, for ids no
/// row has: nothing is read or changed, and EF Core has compiled them (and the runtime their code) before the first
/// agent connects, instead of inside the first drain, on the cores the agent and its directory need. A failure is only
/// logged: each statement is compiled again when first needed, as without this.
/// </summary>
internal sealed class SessionWarmup(IServiceScopeFactory scopes, TimeProvider time, IOptions<AgentsOptions> options, ILogger<SessionWarmup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // off the host's start path
        var started = time.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            await SessionQueries.WarmUpAsync(db, stoppingToken);
            await new LeaseStore(db, time, options).WarmUpAsync(stoppingToken);
            await History.SyncHistory.WarmUpAsync(db, stoppingToken);
            await scope.ServiceProvider.GetRequiredService<PortalReader>().WarmUpAsync(stoppingToken);
            AgentGatewayLog.WarmedUp(logger, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            AgentGatewayLog.WarmUpFailed(logger, ex);
        }
    }
}
