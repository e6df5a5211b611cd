using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Runs any operation of the request's scope as a dry run: inside one transaction that is always rolled back, with the
/// scope's <see cref="ChangeLog"/> recording what it would append. Every write of the scope's database context (through
/// the change log or not: a plain save, a bulk update) is undone; the change log suppresses waking agents and
/// after-commit actions. The REST filter (<c>dryRun=true</c>) and the portal's confirmation step both use it.
/// </summary>
public sealed class DryRunner(ControlPlaneDb db, ChangeLog log)
{
    /// <summary>Runs <paramref name="operation"/> without keeping anything; returns its result and the preview of what it would append.</summary>
    public async Task<(T Result, ChangePreview Preview)> RunAsync<T>(Func<Task<T>> operation, Func<T, int> status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(status);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            log.BeginDryRun();
            var result = await operation();
            return (result, await PreviewAsync(status(result), ct));
        }
        finally
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A command as a dry run: its result (the object or its error) and the preview of what it would append.</summary>
    public Task<(Commands.CommandResult<T> Result, ChangePreview Preview)> RunAsync<T>(Func<Task<Commands.CommandResult<T>>> command, CancellationToken ct) =>
        RunAsync(command, r => r.Error?.HttpStatus ?? StatusCodes.Status200OK, ct);

    private async Task<ChangePreview> PreviewAsync(int status, CancellationToken ct)
    {
        var byDomain = log.Preview.GroupBy(p => p.DomainId).ToList();
        var ids = byDomain.Select(g => g.Key).ToList();
        var names = await db.Domains.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Domain, ct);
        var domains = byDomain.OrderBy(g => names.GetValueOrDefault(g.Key, g.Key), StringComparer.OrdinalIgnoreCase).Select(g =>
        {
            var entries = g.Select(p => p.Entry).OrderBy(e => e.Seq).ToList();
            return new DomainPreview(g.Key, names.GetValueOrDefault(g.Key), ChangeSummary.Summarize(entries), entries);
        }).ToList();
        return new ChangePreview(true, status, domains);
    }
}
