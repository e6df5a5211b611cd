using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// Ends, every heartbeat, the sessions of agents that no longer exist. Deleting an agent ends its session at once on
/// the replica that served the request, and on the others through the PostgreSQL bridge; should that signal be lost
/// (the bridge reconnecting), another replica learns of the deletion here, within one heartbeat (one query per
/// heartbeat for all its sessions). The lease store refuses such an agent a grant or a renewal meanwhile.
/// </summary>
public sealed partial class SessionSweeper(
    AgentSessions sessions,
    IDbContextFactory<ControlPlaneDb> dbFactory,
    TimeProvider time,
    IOptions<AgentsOptions> options,
    ILogger<SessionSweeper> logger) : BackgroundService
{
    private const int ChunkSize = 400;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>Disconnects every session here whose agent was deleted (or has lost its credential); returns their ids.</summary>
    internal async Task<List<string>> SweepAsync(CancellationToken ct)
    {
        var connected = sessions.ConnectedAgentIds();
        var gone = new List<string>();
        if (connected.Count == 0)
        {
            return gone;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var chunk in connected.Chunk(ChunkSize))
        {
            var existing = await SessionQueries.EnrolledAsync(db, chunk, ct);
            gone.AddRange(chunk.Except(existing, StringComparer.Ordinal));
        }

        foreach (var agentId in gone)
        {
            LogDeletedAgentDisconnected(logger, agentId);
            sessions.DisconnectHere(agentId);
        }

        return gone;
    }

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Checking connected agents against the database failed; retrying on the next heartbeat")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 123, Level = LogLevel.Information, Message = "Agent {AgentId} was deleted (possibly through another replica); its session here ended")]
    private static partial void LogDeletedAgentDisconnected(ILogger logger, string agentId);
}
