using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.History;

/// <summary>
/// One acknowledged entry, as its session sent it: the outcome (with the object the stored entry concerns), the change
/// kind, the anchor the agent reported (null or empty: none), and whether the stored entry holds a sealed password
/// (seal-only mode) that the acknowledgement erases.
/// </summary>
internal readonly record struct Acknowledged(SyncOutcome Outcome, string Kind, string? Anchor, bool StoredPassword);

/// <summary>
/// Keeps each object's recent sync outcomes per domain (time, seq, change kind, agent, result, code, message) in the
/// control-plane database, and each object's latest outcome as its sync status. The kind is given by the session that
/// sent the entry (it read it from the stored entry), so nothing here depends on change-log rows staying around. At most
/// <see cref="PerObject"/> entries are kept per object and domain: older ones are trimmed once an object has
/// <see cref="TrimSlack"/> more, so most acknowledgements trim nothing. Rows are written in bulk (<see cref="BulkRows"/>):
/// an ack of a thousand entries is a few statements, not a thousand tracked entities.
/// </summary>
public static class SyncHistory
{
    public const int PerObject = 50;
    public const int TrimSlack = 10;
    public const int MaxMessageLength = 1024;

    private static readonly JsonParser _parser = new(JsonParser.Settings.Default);

    /// <summary>
    /// Records what acknowledged entries of one domain leave, in one transaction: the sealed passwords they carried are
    /// erased from the change log, each object's latest outcome becomes its sync status (an outcome without an anchor
    /// keeps the stored one), and every outcome goes into the history. A few statements for a thousand entries, so the
    /// writer lock SQLite holds for it stays short; if any part fails, nothing of it is kept.
    /// </summary>
    internal static async Task RecordAcknowledgedAsync(ControlPlaneDb db, IReadOnlyList<Acknowledged> acknowledged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(acknowledged);
        if (acknowledged.Count == 0)
        {
            return;
        }

        var storedPasswords = acknowledged.Where(a => a.StoredPassword).Select(a => a.Outcome.Seq).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (storedPasswords.Count > 0)
        {
            await EraseSealedPasswordsAsync(db, acknowledged[0].Outcome.DomainId, storedPasswords, ct);
        }

        await RecordStatusesAsync(db, acknowledged, ct);
        await RecordHistoryAsync(db, acknowledged, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Prepares what <see cref="RecordAcknowledgedAsync"/> runs (its bulk statements' parts, the history trim's query for
    /// an object id no row has) so that the first acknowledgements do not wait for it (see
    /// <see cref="SessionWarmup"/>); nothing is read or changed.
    /// </summary>
    internal static async Task WarmUpAsync(ControlPlaneDb db, CancellationToken ct)
    {
        BulkRows.PrepareUpsert<SyncStatusRecord>(db);
        BulkRows.PrepareInsert<SyncHistoryEntry>(db);
        await TrimAsync(db, "", [""], ct);
    }

    /// <summary>Records outcomes of one domain in the history, each with its change kind; in the caller's transaction.</summary>
    private static async Task RecordHistoryAsync(ControlPlaneDb db, IReadOnlyList<Acknowledged> acknowledged, CancellationToken ct)
    {
        var recorded = acknowledged.Where(a => !string.IsNullOrEmpty(a.Outcome.ObjectId)).OrderBy(a => a.Outcome.Seq).ToList();
        if (recorded.Count == 0)
        {
            return;
        }

        var rows = recorded.Select(a => new SyncHistoryEntry
        {
            DomainId = a.Outcome.DomainId,
            ObjectId = a.Outcome.ObjectId,
            Seq = a.Outcome.Seq,
            Kind = a.Kind,
            AgentId = a.Outcome.AgentId,
            At = a.Outcome.At,
            Outcome = a.Outcome.Outcome,
            Code = a.Outcome.Code,
            Message = a.Outcome.Message.Length > MaxMessageLength ? a.Outcome.Message[..MaxMessageLength] : a.Outcome.Message,
        }).ToList();
        await BulkRows.InsertAsync(db, rows, ct);
        await TrimAsync(db, recorded[0].Outcome.DomainId, recorded.Select(a => a.Outcome.ObjectId).Distinct().ToList(), ct);
    }

    /// <summary>
    /// Records each object's latest outcome among <paramref name="acknowledged"/> as its sync status (inserted or updated
    /// in bulk); outcomes without an anchor keep the anchor the status has, so the object's directory entry stays known.
    /// In the caller's transaction.
    /// </summary>
    private static async Task RecordStatusesAsync(ControlPlaneDb db, IReadOnlyList<Acknowledged> acknowledged, CancellationToken ct)
    {
        // One row per object (a statement may not update a row twice): its latest outcome, with the latest anchor reported
        // (null keeps the stored one), as recording the outcomes one by one in order would leave it.
        var rows = acknowledged.Where(a => !string.IsNullOrEmpty(a.Outcome.ObjectId))
            .GroupBy(a => (a.Outcome.DomainId, a.Outcome.ObjectId))
            .Select(g =>
            {
                var latest = g.MaxBy(a => a.Outcome.Seq).Outcome;
                return new SyncStatusRecord
                {
                    DomainId = latest.DomainId,
                    ObjectId = latest.ObjectId,
                    SyncedAt = latest.At,
                    Code = latest.Code,
                    Outcome = latest.Outcome,
                    Message = latest.Message,
                    Anchor = g.Where(a => !string.IsNullOrEmpty(a.Anchor)).OrderBy(a => a.Outcome.Seq).Select(a => a.Anchor).LastOrDefault(),
                };
            }).ToList();
        await BulkRows.UpsertAsync(db, rows, ct);
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

    /// <summary>
    /// A sealed password (seal-only mode) is kept only until its entry is acknowledged; then only the fact remains.
    /// The vault's entries store none (they are sealed to the receiving agent as they are sent), so only the entries
    /// sent with a stored one are asked for (<paramref name="seqs"/>).
    /// </summary>
    private static async Task EraseSealedPasswordsAsync(ControlPlaneDb db, string domainId, List<long> seqs, CancellationToken ct)
    {
        var kind = nameof(Change.KindOneofCase.PasswordSet);
        var entries = await db.Changes.Where(c => c.DomainId == domainId && c.Kind == kind && seqs.Contains(c.Seq)).ToListAsync(ct);
        foreach (var entry in entries)
        {
            var change = _parser.Parse<Change>(entry.Payload);
            if (change.PasswordSet.Password is null)
            {
                continue; // nothing sealed was stored
            }

            change.PasswordSet.Password = null;
            entry.Payload = JsonFormatter.Default.Format(change);
        }

        await db.SaveChangesAsync(ct);
    }
}
