using System.Collections.Concurrent;
using JumpCloudAdi.ControlPlane.Agents;

namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>
/// Remembers, per agent, whether its latest acknowledged results were all failures (that turns it red). Kept in
/// memory: the database keeps the latest outcome per object, not per agent, so this starts clean after a restart.
/// </summary>
public sealed class SyncActivity
{
    private readonly ConcurrentDictionary<string, SyncFailure> _failing = new();

    public SyncFailure? LatestFailure(string agentId) => _failing.TryGetValue(agentId, out var failure) ? failure : null;

    public void Record(IReadOnlyList<SyncOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var byAgent in outcomes.GroupBy(o => o.AgentId))
        {
            var results = byAgent.ToList();
            if (results.All(r => r.Outcome == Data.SyncOutcomeKind.Failed))
            {
                var last = results.MaxBy(r => r.Seq)!;
                _failing[byAgent.Key] = new SyncFailure(last.Code, last.Message, last.At);
            }
            else if (results.Any(r => r.Outcome == Data.SyncOutcomeKind.Applied))
            {
                _failing.TryRemove(byAgent.Key, out _);
            }
        }
    }

    public void Forget(string agentId) => _failing.TryRemove(agentId, out _);
}
