using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Deletes change-log entries once they are acknowledged and older than <c>ChangeLog:RetentionHours</c>, so the log
/// does not grow without bound. An entry the domain's cursor has not passed is never deleted (a new primary starts
/// from the cursor, so nothing it may still be sent goes); the per-object sync status lives in its own table and stays.
/// Every replica runs it; the deletes are idempotent.
/// </summary>
public sealed partial class ChangeLogPruner(
    IDbContextFactory<ControlPlaneDb> dbFactory,
    TimeProvider time,
    IOptions<ChangeLogOptions> options,
    ILogger<ChangeLogPruner> logger) : BackgroundService
{
    /// <summary>How often a round runs (the first shortly after start).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                LogPruneFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round over every domain; returns how many entries were deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromHours(options.Value.RetentionHours);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cursors = await db.Domains.AsNoTracking().Select(d => new { d.Id, d.AckedSeq }).ToListAsync(ct);
        var deleted = 0;
        foreach (var domain in cursors)
        {
            var acked = domain.AckedSeq;
            deleted += await db.Changes
                .Where(c => c.DomainId == domain.Id && c.Seq <= acked && c.CreatedAt < cutoff)
                .ExecuteDeleteAsync(ct);
        }

        if (deleted > 0)
        {
            LogPruned(logger, deleted, options.Value.RetentionHours);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Pruned {Count} acknowledged change-log entries older than {RetentionHours} h")]
    private static partial void LogPruned(ILogger logger, int count, int retentionHours);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Pruning the change log failed; retrying on the next round")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
