using System.Diagnostics.Metrics;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Telemetry;

/// <summary>
/// The control plane's own series (meter <see cref="MeterName"/>), exported on <c>/metrics</c>. Counters are counted
/// where the event happens on this replica; the backlog and the agents by state are read from the database when
/// scraped, so every replica reports the same values for them (use <c>max</c> across replicas).
/// </summary>
public sealed class ControlPlaneMetrics : IDisposable
{
    public const string MeterName = "JumpCloudAdi.ControlPlane";

    private readonly Meter _meter;
    private readonly Counter<long> _appended;
    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _primaryChanges;
    private readonly Counter<long> _renewals;

    public ControlPlaneMetrics(IMeterFactory meters, IDbContextFactory<ControlPlaneDb> dbFactory, AgentCounters agentCounters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _appended = _meter.CreateCounter<long>("jcadi.changes.appended", "{change}", "Change-log entries appended, per domain");
        _acknowledged = _meter.CreateCounter<long>("jcadi.changes.acknowledged", "{change}", "Change-log entries acknowledged by the primary, per domain");
        _outcomes = _meter.CreateCounter<long>("jcadi.outcomes", "{change}", "Outcomes reported by primaries, per domain, outcome (applied, skipped, failed) and LDAP result code");
        _primaryChanges = _meter.CreateCounter<long>("jcadi.primary.changes", "{grant}", "Leases granted (a new primary), per domain");
        _renewals = _meter.CreateCounter<long>("jcadi.lease.renewals", "{renewal}", "Lease renewals, by result (renewed, lost)");
        _meter.CreateObservableGauge("jcadi.changelog.backlog", () => Backlog(dbFactory), "{change}",
            "Entries appended but not acknowledged yet (last seq minus the acknowledged cursor), per domain");
        _meter.CreateObservableGauge("jcadi.agents", () => AgentsByState(dbFactory), "{agent}", "Agents per domain and state (active, inactive, unsealed)");
        _meter.CreateObservableCounter("jcadi.agent.changes", agentCounters.Changes, "{change}",
            "Changes an agent reports it processed since it started, per domain, agent and outcome (from its heartbeats)");
        _meter.CreateObservableCounter("jcadi.agent.ldap_errors", agentCounters.LdapErrors, "{error}",
            "LDAP errors an agent reports since it started, per domain, agent and result code (from its heartbeats)");
    }

    public void Appended(string domainId, long count) => _appended.Add(count, new KeyValuePair<string, object?>("domain", domainId));

    public void Acknowledged(string domainId, long count) => _acknowledged.Add(count, new KeyValuePair<string, object?>("domain", domainId));

    public void Outcome(string domainId, string outcome, int code) => _outcomes.Add(1,
        new KeyValuePair<string, object?>("domain", domainId), new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("code", code));

    public void PrimaryChanged(string domainId) => _primaryChanges.Add(1, new KeyValuePair<string, object?>("domain", domainId));

    public void Renewals(long renewed, long lost)
    {
        if (renewed > 0)
        {
            _renewals.Add(renewed, new KeyValuePair<string, object?>("result", "renewed"));
        }

        if (lost > 0)
        {
            _renewals.Add(lost, new KeyValuePair<string, object?>("result", "lost"));
        }
    }

    private static IEnumerable<Measurement<long>> Backlog(IDbContextFactory<ControlPlaneDb> dbFactory)
    {
        using var db = dbFactory.CreateDbContext();
        return db.Domains.AsNoTracking().Select(d => new { d.Id, d.LastSeq, d.AckedSeq }).ToList()
            .Select(d => new Measurement<long>(Math.Max(0, d.LastSeq - d.AckedSeq), new KeyValuePair<string, object?>("domain", d.Id)))
            .ToList();
    }

    private static IEnumerable<Measurement<int>> AgentsByState(IDbContextFactory<ControlPlaneDb> dbFactory)
    {
        using var db = dbFactory.CreateDbContext();
        return db.Agents.AsNoTracking().GroupBy(a => new { a.DomainId, a.State }).Select(g => new { g.Key.DomainId, g.Key.State, Count = g.Count() }).ToList()
            .Select(g => new Measurement<int>(g.Count, new KeyValuePair<string, object?>("domain", g.DomainId), new KeyValuePair<string, object?>("state", g.State)))
            .ToList();
    }

    public void Dispose() => _meter.Dispose();
}
