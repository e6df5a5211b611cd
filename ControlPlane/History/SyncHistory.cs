using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.History;

/// <summary>
/// Keeps each object's recent sync outcomes per domain (time, seq, change kind, agent, result, code, message) in the
/// control-plane database. The kind is read from the change log while the entry is still there (it is acknowledged
/// only now, so it cannot have been pruned yet); nothing later depends on change-log rows staying around. At most
/// <see cref="PerObject"/> entries are kept per object and domain: older ones are trimmed once an object has
/// <see cref="TrimSlack"/> more, so most acknowledgements trim nothing.
/// </summary>
public static class SyncHistory
{
    public const int PerObject = 50;
    public const int TrimSlack = 10;
    public const int MaxMessageLength = 1024;

    /// <summary>Records acknowledged outcomes of one domain (called once per ack, after the cursor moved).</summary>
    public static async Task RecordAsync(ControlPlaneDb db, IReadOnlyList<SyncOutcome> outcomes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(outcomes);
        var recorded = outcomes.Where(o => !string.IsNullOrEmpty(o.ObjectId)).ToList();
        if (recorded.Count == 0)
        {
            return;
        }

        var domainId = recorded[0].DomainId;
        var seqs = recorded.Select(o => o.Seq).ToList();
        var kinds = await db.Changes.AsNoTracking().Where(c => c.DomainId == domainId && seqs.Contains(c.Seq))
            .Select(c => new { c.Seq, c.Kind }).ToDictionaryAsync(c => c.Seq, c => c.Kind, ct);
        foreach (var o in recorded.OrderBy(o => o.Seq))
        {
            db.SyncHistory.Add(new SyncHistoryEntry
            {
                DomainId = o.DomainId,
                ObjectId = o.ObjectId,
                Seq = o.Seq,
                Kind = kinds.GetValueOrDefault(o.Seq, ""),
                AgentId = o.AgentId,
                At = o.At,
                Outcome = o.Outcome,
                Code = o.Code,
                Message = o.Message.Length > MaxMessageLength ? o.Message[..MaxMessageLength] : o.Message,
            });
        }

        await db.SaveChangesAsync(ct);
        await TrimAsync(db, domainId, recorded.Select(o => o.ObjectId).Distinct().ToList(), ct);
    }

    /// <summary>Drops all but the newest <see cref="PerObject"/> entries of the objects that have grown past the slack.</summary>
    public static async Task TrimAsync(ControlPlaneDb db, string domainId, IReadOnlyCollection<string> objectIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var crowded = await db.SyncHistory.Where(h => h.DomainId == domainId && objectIds.Contains(h.ObjectId))
            .GroupBy(h => h.ObjectId).Where(g => g.Count() > PerObject + TrimSlack).Select(g => g.Key).ToListAsync(ct);
        if (crowded.Count == 0)
        {
            return;
        }

        await db.SyncHistory
            .Where(h => h.DomainId == domainId && crowded.Contains(h.ObjectId)
                        && db.SyncHistory.Count(n => n.DomainId == h.DomainId && n.ObjectId == h.ObjectId && n.Id > h.Id) >= PerObject)
            .ExecuteDeleteAsync(ct);
    }
}
