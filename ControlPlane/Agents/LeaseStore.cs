using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// The per-domain primary lease, kept in the database so several control-plane replicas agree. Every grant increments
/// the epoch (the fencing token); all changes are conditional single-statement updates.
/// </summary>
public sealed class LeaseStore(ControlPlaneDb db, TimeProvider time, IOptions<AgentsOptions> options)
{
    public TimeSpan LeaseLength => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>Grants the lease to <paramref name="agentId"/> if nobody holds a valid one; returns the new epoch.</summary>
    public async Task<long?> TryAcquireAsync(string domainId, string agentId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // A cheap read first: standbys ask every heartbeat, and a held lease needs no write lock to say no.
        var current = await db.Domains.AsNoTracking().Where(d => d.Id == domainId)
            .Select(d => new { d.LeaseAgentId, d.LeaseExpiresAt }).SingleOrDefaultAsync(ct);
        if (current is null || (current.LeaseAgentId is not null && current.LeaseExpiresAt >= now))
        {
            return null;
        }

        return await GrantAsync(domainId, agentId, now, ct);
    }

    /// <summary>The grant itself: takes the lease if it is free or lapsed at <paramref name="now"/>; the new epoch, or null.</summary>
    private async Task<long?> GrantAsync(string domainId, string agentId, DateTimeOffset now, CancellationToken ct)
    {
        var expires = now + LeaseLength;
        // Only an enrolled SYNC agent of this domain that still exists may hold its lease (checked in the same statement,
        // so an agent deleted through another replica a moment ago is never granted one).
        var granted = await db.Domains
            .Where(d => d.Id == domainId && (d.LeaseAgentId == null || d.LeaseExpiresAt == null || d.LeaseExpiresAt < now))
            .Where(d => db.Agents.Any(a => a.Id == agentId && a.DomainId == d.Id && a.AgentType == AgentType.Sync && a.CredentialHash != null))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.LeaseAgentId, agentId)
                .SetProperty(d => d.LeaseEpoch, d => d.LeaseEpoch + 1)
                .SetProperty(d => d.LeaseExpiresAt, expires), ct);
        if (granted != 1)
        {
            return null;
        }

        return await EpochAsync(domainId, agentId, ct);
    }

    /// <summary>The epoch of the lease <paramref name="agentId"/> holds on the domain; null when it holds none.</summary>
    private Task<long?> EpochAsync(string domainId, string agentId, CancellationToken ct) =>
        db.Domains.Where(d => d.Id == domainId && d.LeaseAgentId == agentId).Select(d => (long?)d.LeaseEpoch).SingleOrDefaultAsync(ct);

    /// <summary>Extends the holder's lease; false when it was lost (expired and granted to another epoch).</summary>
    public async Task<bool> RenewAsync(string domainId, string agentId, long epoch, CancellationToken ct) =>
        (await RenewAsync([(agentId, epoch)], ct)).Contains((agentId, epoch));

    /// <summary>
    /// Extends every listed lease that is still valid in one statement (per chunk) and returns the (agent, epoch) pairs
    /// that hold their domain's lease afterwards. A lapsed lease is never revived: it may already be promised to a standby.
    /// A lease whose agent was deleted (or is not an enrolled SYNC agent of the domain) is not renewed either.
    /// </summary>
    public async Task<HashSet<(string AgentId, long Epoch)>> RenewAsync(IReadOnlyCollection<(string AgentId, long Epoch)> leases, CancellationToken ct)
    {
        const int chunkSize = 400;
        var now = time.GetUtcNow();
        var expires = now + LeaseLength;
        var held = new HashSet<(string, long)>();
        foreach (var chunk in leases.Select(l => l.AgentId).Chunk(chunkSize))
        {
            await db.Domains.Where(d => d.LeaseAgentId != null && chunk.Contains(d.LeaseAgentId) && d.LeaseExpiresAt >= now)
                .Where(d => db.Agents.Any(a => a.Id == d.LeaseAgentId && a.DomainId == d.Id && a.AgentType == AgentType.Sync && a.CredentialHash != null))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseExpiresAt, expires), ct);
            var rows = await db.Domains.AsNoTracking()
                .Where(d => d.LeaseAgentId != null && chunk.Contains(d.LeaseAgentId) && d.LeaseExpiresAt >= now)
                .Where(d => db.Agents.Any(a => a.Id == d.LeaseAgentId && a.DomainId == d.Id && a.AgentType == AgentType.Sync && a.CredentialHash != null))
                .Select(d => new { d.LeaseAgentId, d.LeaseEpoch }).ToListAsync(ct);
            held.UnionWith(rows.Select(r => (r.LeaseAgentId!, r.LeaseEpoch)));
        }

        held.IntersectWith(leases);
        return held;
    }

    public async Task ReleaseAsync(string domainId, string agentId, long epoch, CancellationToken ct) =>
        await db.Domains
            .Where(d => d.Id == domainId && d.LeaseAgentId == agentId && d.LeaseEpoch == epoch)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseAgentId, (string?)null).SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null), ct);

    /// <summary>
    /// Moves the acknowledged cursor, but only for the current epoch and its holder: a fenced-off primary's acks, and
    /// anyone else's, are refused. Never moves it past the last entry handed out.
    /// </summary>
    public async Task<bool> AdvanceCursorAsync(string domainId, string agentId, long epoch, long seq, CancellationToken ct)
    {
        var holder = db.Domains
            .Where(d => d.Id == domainId && d.LeaseEpoch == epoch && d.LeaseAgentId == agentId && seq <= d.LastSeq)
            .Where(d => db.Agents.Any(a => a.Id == agentId && a.DomainId == d.Id && a.AgentType == AgentType.Sync));
        var moved = await holder.Where(d => d.AckedSeq < seq).ExecuteUpdateAsync(s => s.SetProperty(d => d.AckedSeq, seq), ct);
        return moved == 1 || await holder.AnyAsync(ct);
    }

    /// <summary>
    /// Runs each statement of the store once for ids no row has (ids are never empty), so EF Core has compiled them
    /// before the first agent asks (see <see cref="SessionWarmup"/>); nothing is read or changed.
    /// </summary>
    internal async Task WarmUpAsync(CancellationToken ct)
    {
        const string none = "";
        _ = await TryAcquireAsync(none, none, ct);
        _ = await GrantAsync(none, none, time.GetUtcNow(), ct);
        _ = await EpochAsync(none, none, ct);
        _ = await RenewAsync([(none, 0)], ct);
        _ = await AdvanceCursorAsync(none, none, 1, 1, ct);
    }
}
