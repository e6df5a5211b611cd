using System.Text.Json;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Portal.Live;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>Read-only queries behind the portal's pages and live views.</summary>
public sealed class PortalReader(ControlPlaneDb db, DirectoryReach reach, TimeProvider time, SyncActivity activity, SyncProgress progress, IOptions<AgentsOptions> agents)
{
    public const string UserType = AssociationTypes.User;
    public const string GroupType = AssociationTypes.UserGroup;

    private TimeSpan Heartbeat => TimeSpan.FromSeconds(agents.Value.HeartbeatSeconds);

    public DateTimeOffset Now => time.GetUtcNow();

    public static string? PrimaryOf(AdDomain domain, DateTimeOffset now) =>
        domain.LeaseAgentId is not null && domain.LeaseExpiresAt > now ? domain.LeaseAgentId : null;

    public AgentView ToView(AgentRecord agent, string? primaryAgentId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var health = AgentHealth.Evaluate(agent, now, Heartbeat, activity.LatestFailure(agent.Id));
        return new AgentView(agent.Id, agent.DomainId, health.Level.ToString().ToLowerInvariant(), health.Label, health.Detail,
            agent.Id == primaryAgentId, agent.Hostname, agent.HostType, HostTypeLabel(agent.HostType), agent.Version,
            agent.ContactAt, agent.State, agent.AgentType, agent.KeyExpiresAt, agent.SourceIp, Settings(agent.SettingsJson));
    }

    public static string HostTypeLabel(string? hostType) => hostType switch
    {
        null or "" => "—",
        "MEMBER_SERVER" => "Member server",
        "DOMAIN_CONTROLLER" => "Domain controller",
        _ => hostType,
    };

    /// <summary>Agents of one domain (or of all, when <paramref name="domainId"/> is null) with their status.</summary>
    public async Task<IReadOnlyList<AgentView>> AgentsAsync(string? domainId, CancellationToken ct)
    {
        var now = Now;
        var domains = await db.Domains.AsNoTracking().Where(d => domainId == null || d.Id == domainId).ToDictionaryAsync(d => d.Id, ct);
        var records = await db.Agents.AsNoTracking().Where(a => domainId == null || a.DomainId == domainId).OrderBy(a => a.Id).ToListAsync(ct);
        return records.Where(a => domains.ContainsKey(a.DomainId))
            .Select(a => ToView(a, PrimaryOf(domains[a.DomainId], now), now)).ToList();
    }

    public async Task<DomainSnapshot?> SnapshotAsync(string domainId, CancellationToken ct)
    {
        var domain = await db.Domains.AsNoTracking().SingleOrDefaultAsync(d => d.Id == domainId, ct);
        return domain is null ? null : new DomainSnapshot(domainId, PrimaryOf(domain, Now), await AgentsAsync(domainId, ct), progress.Current(domainId));
    }

    /// <summary>The domain's current or last sync run, when there is one worth showing.</summary>
    public ProgressView? Progress(string domainId) => progress.Current(domainId);

    public async Task<IReadOnlyList<DomainRow>> DomainsAsync(CancellationToken ct)
    {
        var now = Now;
        var domains = await db.Domains.AsNoTracking().OrderBy(d => d.Domain).ToListAsync(ct);
        var agents = (await AgentsAsync(null, ct)).ToLookup(a => a.DomainId);
        var bindings = await db.Associations.AsNoTracking().GroupBy(a => new { a.DomainId, a.TargetType })
            .Select(g => new { g.Key.DomainId, g.Key.TargetType, Count = g.Count() }).ToListAsync(ct);
        int Count(string domainId, string type) => bindings.FirstOrDefault(b => b.DomainId == domainId && b.TargetType == type)?.Count ?? 0;
        return domains.Select(d => new DomainRow(d, PrimaryOf(d, now), agents[d.Id].ToList(), Count(d.Id, UserType), Count(d.Id, GroupType))).ToList();
    }

    /// <summary>Users the domain should contain: bound directly or through a bound group.</summary>
    public async Task<IReadOnlyList<BoundObjectRow>> BoundUsersAsync(string domainId, CancellationToken ct)
    {
        var paths = (await reach.PathsOfDomainAsync(domainId, ct)).ToLookup(p => p.UserId);
        var ids = paths.Select(p => p.Key).ToList();
        var groupIds = paths.SelectMany(p => p).Where(p => !p.Direct).Select(p => p.GroupId!).Distinct().ToList();
        var groupNames = await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToListAsync(ct);
        var statuses = await StatusesAsync(domainId, ids, ct);
        return users.OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase)
            .Select(u => new BoundObjectRow(u.Id, UserType, u.Username, $"{u.Firstname} {u.Lastname}".Trim(), paths[u.Id].Any(p => p.Direct),
                paths[u.Id].Where(p => !p.Direct).Select(p => groupNames.GetValueOrDefault(p.GroupId!, p.GroupId!)).Order(StringComparer.OrdinalIgnoreCase).ToList(),
                statuses.GetValueOrDefault(u.Id), u.Suspended))
            .ToList();
    }

    public async Task<IReadOnlyList<BoundObjectRow>> BoundGroupsAsync(string domainId, CancellationToken ct)
    {
        var ids = await reach.GroupsOfDomainAsync(domainId, ct);
        var groups = await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Id)).ToListAsync(ct);
        var counts = await db.GroupMembers.AsNoTracking().Where(m => ids.Contains(m.GroupId)).GroupBy(m => m.GroupId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var statuses = await StatusesAsync(domainId, ids, ct);
        return groups.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new BoundObjectRow(g.Id, GroupType, g.Name, $"{counts.GetValueOrDefault(g.Id)} members", true, [], statuses.GetValueOrDefault(g.Id)))
            .ToList();
    }

    /// <summary>The domain's latest sync outcomes, failures first, then newest first.</summary>
    public async Task<IReadOnlyList<OutcomeView>> FeedAsync(string domainId, int limit, CancellationToken ct)
    {
        var statuses = await db.SyncStatuses.AsNoTracking().Where(s => s.DomainId == domainId).ToListAsync(ct);
        var chosen = statuses.OrderByDescending(s => s.Outcome == SyncOutcomeKind.Failed).ThenByDescending(s => s.SyncedAt).Take(limit).ToList();
        var names = await NamesAsync(chosen.Select(s => s.ObjectId), ct);
        return chosen.Select(s =>
        {
            var (type, name) = names.GetValueOrDefault(s.ObjectId, ("object", s.ObjectId));
            return new OutcomeView(domainId, null, s.ObjectId, type, name, s.Outcome, s.Code, s.Message, s.SyncedAt);
        }).ToList();
    }

    /// <summary>Live outcomes with the names of the objects they are about; one entry per object, its latest.</summary>
    public async Task<IReadOnlyList<OutcomeView>> DescribeAsync(IReadOnlyList<SyncOutcome> outcomes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var latest = outcomes.Where(o => !string.IsNullOrEmpty(o.ObjectId)).GroupBy(o => (o.DomainId, o.ObjectId)).Select(g => g.MaxBy(o => o.Seq)!).ToList();
        var names = await NamesAsync(latest.Select(o => o.ObjectId), ct);
        return latest.Select(o =>
        {
            var (type, name) = names.GetValueOrDefault(o.ObjectId, ("object", o.ObjectId));
            return new OutcomeView(o.DomainId, o.AgentId, o.ObjectId, type, name, o.Outcome, o.Code, o.Message, o.At);
        }).ToList();
    }

    /// <summary>An object's sync history across domains, newest first.</summary>
    public async Task<IReadOnlyList<TimelineRow>> TimelineAsync(string objectId, int limit, CancellationToken ct)
    {
        var entries = await db.SyncHistory.AsNoTracking().Where(h => h.ObjectId == objectId).OrderByDescending(h => h.At).ThenByDescending(h => h.Id)
            .Take(limit).ToListAsync(ct);
        var domainIds = entries.Select(e => e.DomainId).Distinct().ToList();
        var agentIds = entries.Select(e => e.AgentId).Distinct().ToList();
        var domains = await db.Domains.AsNoTracking().Where(d => domainIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Domain, ct);
        var agents = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Hostname, ct);
        return entries.Select(e => new TimelineRow(e.At, e.DomainId, domains.GetValueOrDefault(e.DomainId, e.DomainId), e.Seq, e.Kind, e.AgentId,
            agents.GetValueOrDefault(e.AgentId), e.Outcome, e.Code, e.Message)).ToList();
    }

    /// <summary>The "why" of one object in one domain: see <see cref="SyncExplanation"/>.</summary>
    public async Task<SyncExplanation> ExplainAsync(AdDomain domain, string objectId, bool direct, IReadOnlyList<string> viaGroups, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var now = Now;
        var change = await db.Changes.AsNoTracking().Where(c => c.DomainId == domain.Id && c.ObjectId == objectId)
            .OrderByDescending(c => c.Seq).Select(c => new { c.Seq, c.Kind }).FirstOrDefaultAsync(ct);
        var last = await db.SyncHistory.AsNoTracking().Where(h => h.DomainId == domain.Id && h.ObjectId == objectId)
            .OrderByDescending(h => h.Id).FirstOrDefaultAsync(ct);
        SyncOutcomeFact? outcome = last is null ? null : new SyncOutcomeFact(last.At, last.Seq, last.Kind, last.AgentId, last.Outcome, last.Code, last.Message);
        if (outcome is null && await db.SyncStatuses.AsNoTracking().SingleOrDefaultAsync(s => s.DomainId == domain.Id && s.ObjectId == objectId, ct) is { } status)
        {
            // Recorded before the history was kept.
            outcome = new SyncOutcomeFact(status.SyncedAt, 0, "", null, status.Outcome, status.Code, status.Message);
        }

        (long, string)? lastChange = change is not null && (last is null || change.Seq >= last.Seq) ? (change.Seq, change.Kind)
            : last is not null ? (last.Seq, last.Kind) : null;
        var agentRows = await db.Agents.AsNoTracking().Where(a => a.DomainId == domain.Id && a.AgentType == AgentType.Sync).ToListAsync(ct);
        var primaryId = PrimaryOf(domain, now);
        var primary = agentRows.FirstOrDefault(a => a.Id == primaryId);
        var agentsFact = new SyncExplanation.AgentsFact(agentRows.Count(a => a.State != AgentStates.Unsealed),
            agentRows.Count(a => a.State == AgentStates.Active), primary is null ? null : primary.Hostname ?? primary.Id);
        return SyncExplanation.Explain(direct, viaGroups, lastChange, domain.AckedSeq, outcome, agentsFact);
    }

    public async Task<Dictionary<string, SyncStatusRecord>> StatusesAsync(string domainId, IReadOnlyCollection<string> objectIds, CancellationToken ct) =>
        await db.SyncStatuses.AsNoTracking().Where(s => s.DomainId == domainId && objectIds.Contains(s.ObjectId)).ToDictionaryAsync(s => s.ObjectId, ct);

    /// <summary>Every domain (by id) and every agent, as stored: what a round of live updates compares with what it last showed.</summary>
    internal async Task<(Dictionary<string, AdDomain> Domains, List<AgentRecord> Agents)> DomainsAndAgentsAsync(CancellationToken ct) =>
        (await db.Domains.AsNoTracking().ToDictionaryAsync(d => d.Id, ct), await db.Agents.AsNoTracking().ToListAsync(ct));

    /// <summary>
    /// Runs the reads a drain's live updates make (<see cref="DescribeAsync"/>, <see cref="DomainsAndAgentsAsync"/>) once,
    /// for an object id no row has, so EF Core has compiled them before the first drain (see <see cref="SessionWarmup"/>).
    /// </summary>
    internal async Task WarmUpAsync(CancellationToken ct)
    {
        _ = await NamesAsync([""], ct);
        _ = await DomainsAndAgentsAsync(ct);
    }

    private async Task<Dictionary<string, (string Type, string Name)>> NamesAsync(IEnumerable<string> objectIds, CancellationToken ct)
    {
        var ids = objectIds.Distinct().ToList();
        var names = new Dictionary<string, (string, string)>();
        foreach (var u in await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Username }).ToListAsync(ct))
        {
            names[u.Id] = (UserType, u.Username);
        }

        foreach (var g in await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Id)).Select(g => new { g.Id, g.Name }).ToListAsync(ct))
        {
            names[g.Id] = (GroupType, g.Name);
        }

        return names;
    }

    private static Dictionary<string, string> Settings(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
