using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Queues a domain's whole desired state (every reached user, with its vault password for an account that has none,
/// every bound group with its members) as reconcile entries. The primary applies them like any change (idempotently), so whatever drifted in the directory is
/// repaired, and reports per object whether it was in sync or what it repaired. Requests are coalesced: while a
/// snapshot is still unacknowledged (pending), asking again queues nothing and answers with the pending one, so the
/// change log holds at most one pending snapshot per domain however often reconciles are asked for.
/// </summary>
public sealed class Reconciler(ControlPlaneDb db, ChangeLog log, DomainSync sync, DirectoryReach reach)
{
    private const string UserUpsertKind = nameof(Change.KindOneofCase.UserUpsert);
    private const string GroupUpsertKind = nameof(Change.KindOneofCase.GroupUpsert);

    /// <summary>The snapshot's entries; <paramref name="Pending"/> when it was already queued (nothing new was appended).</summary>
    public sealed record Range(long FromSeq, long ToSeq, int Objects, bool Pending = false);

    /// <summary>
    /// How a reconcile entry's stored payload marks it (protobuf's JSON form). Inside a JSON string every quote is
    /// escaped, so only the field itself can match.
    /// </summary>
    private const string ReconcileMarker = "\"reconcile\": true";

    /// <summary>How a reconcile's password set for an account without one is marked (absent on a re-send of every password).</summary>
    private const string OnlyIfUnsetMarker = "\"onlyIfUnset\": true";

    private const string PasswordSetKind = nameof(Change.KindOneofCase.PasswordSet);

    /// <summary>Appends the snapshot in one transaction, or finds the pending one; null when the domain does not exist.</summary>
    public Task<Range?> AppendSnapshotAsync(string domainId, CancellationToken ct) => AppendSnapshotAsync(domainId, passwords: false, ct);

    /// <summary>
    /// As <see cref="AppendSnapshotAsync(string, CancellationToken)"/>; with <paramref name="passwords"/> every user's vault
    /// password is sent again and set whether or not the account has one (<c>reconcile --passwords</c>, for a rebuilt DC).
    /// Coalesced too: a pending snapshot without that re-send gets only the password entries appended after it, and a
    /// pending re-send answers for itself.
    /// </summary>
    public Task<Range?> AppendSnapshotAsync(string domainId, bool passwords, CancellationToken ct) =>
        log.RunAsync<Range?>(async () =>
        {
            var domain = await db.Domains.FindAsync([domainId], ct);
            if (domain is null)
            {
                return null;
            }

            // Serialize with other writers to the domain's log (PostgreSQL; SQLite writers are serialized anyway), so two
            // replicas asked at once cannot both find nothing pending.
            await ChangeSequence.LockAsync(db, domain, ct);
            var acked = await db.Domains.AsNoTracking().Where(d => d.Id == domainId).Select(d => d.AckedSeq).SingleAsync(ct);
            var pending = await db.Changes.AsNoTracking()
                .Where(c => c.DomainId == domainId && c.Seq > acked && c.Payload.Contains(ReconcileMarker))
                .GroupBy(c => c.DomainId)
                .Select(g => new
                {
                    From = g.Min(c => c.Seq),
                    To = g.Max(c => c.Seq),
                    Objects = g.Count(c => c.Kind == UserUpsertKind || c.Kind == GroupUpsertKind),
                })
                .SingleOrDefaultAsync(ct);
            if (pending is not null && passwords)
            {
                var resendPending = await db.Changes.AsNoTracking().AnyAsync(c => c.DomainId == domainId && c.Seq > acked
                    && c.Kind == PasswordSetKind && c.Payload.Contains(ReconcileMarker) && !c.Payload.Contains(OnlyIfUnsetMarker), ct);
                if (!resendPending)
                {
                    // The pending snapshot sets passwords only where none is: queue the re-send after it.
                    var resent = await AppendPasswordsAsync(domainId, await reach.UsersOfDomainAsync(domainId, ct), onlyIfUnset: false, ct);
                    await log.CommitAsync(ct);
                    return new Range(pending.From, Math.Max(pending.To, domain.LastSeq), pending.Objects, Pending: resent == 0);
                }
            }

            if (pending is not null)
            {
                return new Range(pending.From, pending.To, pending.Objects, Pending: true);
            }

            var from = domain.LastSeq + 1;
            var userIds = await reach.UsersOfDomainAsync(domainId, ct);
            var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).OrderBy(u => u.Username).ToListAsync(ct);
            var groupIds = await reach.GroupsOfDomainAsync(domainId, ct);
            var groups = await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).OrderBy(g => g.Name).ToListAsync(ct);

            var versions = await db.PasswordVault.AsNoTracking().Where(e => userIds.Contains(e.UserId))
                .ToDictionaryAsync(e => e.UserId, e => e.Version, ct);
            foreach (var user in users)
            {
                var change = ChangeFactory.UserUpsert(user);
                change.Reconcile = true;
                await log.AppendAsync(domainId, change, ct);
                if (versions.TryGetValue(user.Id, out var version))
                {
                    // An account that had to be recreated (or never got its password) gets it; the others keep theirs,
                    // unless every password is to be sent again.
                    var password = ChangeFactory.PasswordFromVault(user, version, onlyIfUnset: !passwords);
                    password.Reconcile = true;
                    await log.AppendAsync(domainId, password, ct);
                }
            }

            foreach (var group in groups)
            {
                var upsert = ChangeFactory.GroupUpsert(group);
                upsert.Reconcile = true;
                await log.AppendAsync(domainId, upsert, ct);
                var members = ChangeFactory.MembershipSet(group, await sync.MemberUsernamesAsync(group.Id, ct));
                members.Reconcile = true;
                await log.AppendAsync(domainId, members, ct);
            }

            await log.CommitAsync(ct);
            return new Range(from, domain.LastSeq, users.Count + groups.Count);
        }, ct);

    /// <summary>Appends a reconcile password set for each of <paramref name="userIds"/> that has a vault entry; returns how many.</summary>
    private async Task<int> AppendPasswordsAsync(string domainId, IReadOnlyCollection<string> userIds, bool onlyIfUnset, CancellationToken ct)
    {
        var versions = await db.PasswordVault.AsNoTracking().Where(e => userIds.Contains(e.UserId)).ToDictionaryAsync(e => e.UserId, e => e.Version, ct);
        var users = await db.Users.AsNoTracking().Where(u => versions.Keys.Contains(u.Id)).OrderBy(u => u.Username).ToListAsync(ct);
        foreach (var user in users)
        {
            var password = ChangeFactory.PasswordFromVault(user, versions[user.Id], onlyIfUnset);
            password.Reconcile = true;
            await log.AppendAsync(domainId, password, ct);
        }

        return users.Count;
    }
}
