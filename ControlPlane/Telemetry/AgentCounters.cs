using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.ControlPlane.Telemetry;

/// <summary>
/// The counters connected agents report in their heartbeats (applied, skipped, failed, LDAP errors by code, last error),
/// kept by the replica the agent is connected to for as long as its session lasts: shown in the API's agent list and
/// exported on <c>/metrics</c>.
/// </summary>
public sealed class AgentCounters
{
    private readonly ConcurrentDictionary<string, Reported> _reported = new();

    public sealed record Reported(string DomainId, AgentStats Stats, DateTimeOffset At);

    public void Report(string agentId, string domainId, AgentStats stats, DateTimeOffset at) => _reported[agentId] = new Reported(domainId, stats, at);

    public void Forget(string agentId) => _reported.TryRemove(agentId, out _);

    public Reported? Of(string agentId) => _reported.TryGetValue(agentId, out var r) ? r : null;

    internal IEnumerable<Measurement<long>> Changes()
    {
        foreach (var (agentId, r) in _reported)
        {
            yield return Measure(r.Stats.Applied, r.DomainId, agentId, "outcome", Data.SyncOutcomeKind.Applied.ToWire());
            yield return Measure(r.Stats.Skipped, r.DomainId, agentId, "outcome", Data.SyncOutcomeKind.Skipped.ToWire());
            yield return Measure(r.Stats.Failed, r.DomainId, agentId, "outcome", Data.SyncOutcomeKind.Failed.ToWire());
        }
    }

    internal IEnumerable<Measurement<long>> LdapErrors()
    {
        foreach (var (agentId, r) in _reported)
        {
            foreach (var (code, count) in r.Stats.LdapErrors)
            {
                yield return Measure(count, r.DomainId, agentId, "code", code);
            }
        }
    }

    private static Measurement<long> Measure(long value, string domainId, string agentId, string key, object value2) =>
        new(value, new KeyValuePair<string, object?>("domain", domainId), new KeyValuePair<string, object?>("agent", agentId), new KeyValuePair<string, object?>(key, value2));
}
