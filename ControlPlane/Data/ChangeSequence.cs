using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// Serializes the allocation of a domain's change-log sequence numbers across requests and control-plane replicas.
/// </summary>
public static class ChangeSequence
{
    /// <summary>
    /// Call inside the operation's transaction before the first <c>LastSeq++</c> for <paramref name="domain"/>. On
    /// PostgreSQL it locks the domain row until the transaction ends (<c>SELECT ... FOR NO KEY UPDATE</c>: writers queue on
    /// it, while the foreign-key checks of rows that name the domain, which take <c>KEY SHARE</c>, do not) and continues from
    /// the committed counter, so concurrent writers queue instead of colliding on <c>(DomainId, Seq)</c>. On SQLite the
    /// write transaction (<c>BEGIN IMMEDIATE</c>) already serializes writers and this does nothing. A lock-order deadlock
    /// between two operations that touch several domains surfaces as <see cref="DbUpdateConcurrencyException"/>, which
    /// the operation's retry loop handles like any other write conflict.
    /// </summary>
    /// <returns>The domain's committed <c>LastSeq</c>, now also the tracked current and original value.</returns>
    public static async Task<long> LockAsync(ControlPlaneDb db, AdDomain domain, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(domain);
        if (!db.Database.IsNpgsql())
        {
            return domain.LastSeq;
        }

        List<long> rows;
        try
        {
            rows = await db.Database
                .SqlQuery<long>($"""SELECT "LastSeq" AS "Value" FROM "Domains" WHERE "Id" = {domain.Id} FOR NO KEY UPDATE""")
                .ToListAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable)
        {
            throw new DbUpdateConcurrencyException($"Domain {domain.Id}: change-log sequence lock conflict; retry the operation.", e);
        }

        if (rows.Count != 1)
        {
            throw new DbUpdateConcurrencyException($"Domain {domain.Id} no longer exists.");
        }

        var lastSeq = db.Entry(domain).Property(d => d.LastSeq);
        lastSeq.OriginalValue = rows[0];
        lastSeq.CurrentValue = rows[0];
        return rows[0];
    }
}
