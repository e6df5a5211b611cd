using System.Collections.Concurrent;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// Records agents' last contact (<c>contactAt</c>) in one statement every few seconds for all agents heard from, instead
/// of a write per heartbeat.
/// </summary>
public sealed partial class ContactRecorder(IDbContextFactory<ControlPlaneDb> dbFactory, TimeProvider time, ILogger<ContactRecorder> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private const int ChunkSize = 400;
    private ConcurrentDictionary<string, byte> _heard = new();

    public void Heard(string agentId) => _heard.TryAdd(agentId, 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                LogFlushFailed(logger, ex);
            }
        }
    }

    internal async Task FlushAsync(CancellationToken ct)
    {
        var heard = Interlocked.Exchange(ref _heard, new ConcurrentDictionary<string, byte>()).Keys.ToArray();
        if (heard.Length == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var chunk in heard.Chunk(ChunkSize))
        {
            await SessionQueries.RecordContactAsync(db, chunk, now, ct);
        }
    }

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Recording agent contact times failed; retrying")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
