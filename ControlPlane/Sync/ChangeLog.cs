using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// The transactional outbox: admin actions append change entries to the same <see cref="ControlPlaneDb"/> unit of work
/// as the model change, and <see cref="CommitAsync"/> saves both in one transaction, then wakes the domain's agents.
/// </summary>
public sealed class ChangeLog(ControlPlaneDb db, ChangeNotifier notifier, TimeProvider time)
{
    private const int MaxAttempts = 8;
    private readonly HashSet<string> _touched = [];

    /// <summary>Appends <paramref name="change"/> to the log of one domain (not yet saved).</summary>
    public async Task AppendAsync(string domainId, Change change, CancellationToken ct)
    {
        var domain = await db.Domains.FindAsync([domainId], ct)
            ?? throw new InvalidOperationException($"Domain {domainId} does not exist.");
        domain.LastSeq++;
        change.Seq = domain.LastSeq;
        db.Changes.Add(new ChangeEntry
        {
            DomainId = domainId,
            Seq = change.Seq,
            Kind = change.KindCase.ToString(),
            Payload = JsonFormatter.Default.Format(change),
            CreatedAt = time.GetUtcNow(),
        });
        _touched.Add(domainId);
    }

    /// <summary>The ids of the domains a user reaches: bound directly, or through a bound group.</summary>
    public async Task<List<string>> DomainsOfUserAsync(string userId, CancellationToken ct)
    {
        var direct = db.Associations.Where(a => a.TargetType == AssociationTypes.User && a.TargetId == userId).Select(a => a.DomainId);
        var viaGroups = from m in db.GroupMembers
                        join a in db.Associations on m.GroupId equals a.TargetId
                        where m.UserId == userId && a.TargetType == AssociationTypes.UserGroup
                        select a.DomainId;
        return await direct.Union(viaGroups).Distinct().ToListAsync(ct);
    }

    /// <summary>Saves the unit of work and its change entries atomically, then wakes the touched domains' agents.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        foreach (var domainId in _touched)
        {
            notifier.Signal(domainId);
        }

        _touched.Clear();
    }

    /// <summary>
    /// Runs a whole read-modify-commit operation, starting over on a write conflict (two requests raced for the same
    /// domain's next sequence number). Nothing of a failed attempt is kept.
    /// </summary>
    public async Task<IResult> RunAsync(Func<Task<IResult>> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
                _touched.Clear();
            }
        }
    }
}
