using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// The reads and writes an agent's session makes for every batch it sends (and the few it makes once per session or per
/// heartbeat interval), in one place so that <see cref="SessionWarmup"/> runs exactly these at start: EF Core caches a
/// compiled query by the shape of its expression, so only the same code, not a look-alike, is compiled ahead.
/// </summary>
internal static class SessionQueries
{
    /// <summary>What the session knows of an agent: its record, or null when there is none (never enrolled, or deleted).</summary>
    public static Task<AgentRecord?> AgentAsync(ControlPlaneDb db, string agentId, CancellationToken ct) =>
        db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId, ct);

    /// <summary>What the agent said about itself in its hello, and that it is active now.</summary>
    public static Task<int> RecordHelloAsync(ControlPlaneDb db, string agentId, Hello hello, string? settingsJson, string? sourceIp, DateTimeOffset now,
        CancellationToken ct) =>
        db.Agents.Where(a => a.Id == agentId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Hostname, hello.Hostname)
            .SetProperty(a => a.HostType, hello.HostType)
            .SetProperty(a => a.Version, hello.Version)
            .SetProperty(a => a.SettingsJson, settingsJson)
            .SetProperty(a => a.SourceIp, sourceIp)
            .SetProperty(a => a.State, AgentStates.Active)
            .SetProperty(a => a.ContactAt, now), ct);

    /// <summary>That the agents <paramref name="agentIds"/> were heard from at <paramref name="now"/> (their heartbeats, batched).</summary>
    public static Task<int> RecordContactAsync(ControlPlaneDb db, string[] agentIds, DateTimeOffset now, CancellationToken ct) =>
        db.Agents.Where(a => agentIds.Contains(a.Id)).ExecuteUpdateAsync(s => s.SetProperty(a => a.ContactAt, now), ct);

    /// <summary>Which of <paramref name="agentIds"/> are still enrolled (the others were deleted, or lost their credential).</summary>
    public static Task<List<string>> EnrolledAsync(ControlPlaneDb db, string[] agentIds, CancellationToken ct) =>
        db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id) && a.CredentialHash != null).Select(a => a.Id).ToListAsync(ct);

    /// <summary>The domain's acknowledged cursor and last sequence number; null when the domain is gone.</summary>
    public static Task<DomainCursor?> CursorAsync(ControlPlaneDb db, string domainId, CancellationToken ct) =>
        db.Domains.AsNoTracking().Where(d => d.Id == domainId).Select(d => new DomainCursor(d.AckedSeq, d.LastSeq)).SingleOrDefaultAsync(ct);

    /// <summary>Up to <paramref name="size"/> of the domain's log entries after <paramref name="after"/>, in order.</summary>
    public static Task<List<ChangeEntry>> ChangePageAsync(ControlPlaneDb db, string domainId, long after, int size, CancellationToken ct) =>
        db.Changes.AsNoTracking().Where(c => c.DomainId == domainId && c.Seq > after).OrderBy(c => c.Seq).Take(size).ToListAsync(ct);

    /// <summary>The anchors recorded for <paramref name="objectIds"/> (those that have one), by object id.</summary>
    public static Task<Dictionary<string, string>> AnchorsAsync(ControlPlaneDb db, string domainId, List<string> objectIds, CancellationToken ct) =>
        db.SyncStatuses.AsNoTracking()
            .Where(s => s.DomainId == domainId && objectIds.Contains(s.ObjectId) && s.Anchor != null)
            .ToDictionaryAsync(s => s.ObjectId, s => s.Anchor!, ct);

    /// <summary>Which of <paramref name="userIds"/> were imported from the domain's directory, with the entry each came from.</summary>
    public static Task<List<ImportedAnchor>> ImportedUsersAsync(ControlPlaneDb db, string domainId, List<string> userIds, CancellationToken ct) =>
        db.ImportedObjects.AsNoTracking()
            .Where(o => o.DomainId == domainId && o.Kind == ImportedObjectKinds.User && userIds.Contains(o.ObjectId))
            .Select(o => new ImportedAnchor(o.ObjectId, o.Anchor)).ToListAsync(ct);

    /// <summary>
    /// Runs each of these once for an id no row has (ids are never empty): nothing is read or changed, and EF Core has
    /// compiled them before the first agent needs them. The values are shaped as a session's are: EF Core compiles a
    /// statement again where a parameter is null that was not, or where two parameters have equal values that had not
    /// (it passes equal values as one parameter).
    /// </summary>
    public static async Task WarmUpAsync(ControlPlaneDb db, CancellationToken ct)
    {
        const string none = "";
        _ = await AgentAsync(db, none, ct);
        var hello = new Hello { Hostname = "warm-up", HostType = "member", Version = "0" };
        _ = await RecordHelloAsync(db, none, hello, "{}", "127.0.0.1", DateTimeOffset.UnixEpoch, ct);
        _ = await RecordHelloAsync(db, none, hello, null, "127.0.0.1", DateTimeOffset.UnixEpoch, ct); // a hello without settings
        _ = await RecordContactAsync(db, [none], DateTimeOffset.UnixEpoch, ct);
        _ = await EnrolledAsync(db, [none], ct);
        _ = await CursorAsync(db, none, ct);
        _ = await ChangePageAsync(db, none, 0, 1, ct);
        _ = await AnchorsAsync(db, none, [none], ct);
        _ = await ImportedUsersAsync(db, none, [none], ct);
    }
}

/// <summary>A domain's acknowledged cursor and last sequence number.</summary>
internal sealed record DomainCursor(long AckedSeq, long LastSeq);

/// <summary>An object imported from a domain's directory and the entry it was imported from.</summary>
internal sealed record ImportedAnchor(string ObjectId, string Anchor);
