using System.Collections.Concurrent;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// Lets each agent ask for a reconcile at most once per <c>Agents:ReconcileIntervalSeconds</c> (per replica). Together
/// with the coalescing in <see cref="Sync.Reconciler"/> this bounds what an agent can add to the change log. One entry
/// per agent that ever asked (a few dozen bytes each).
/// </summary>
public sealed class ReconcileThrottle(TimeProvider time, IOptions<AgentsOptions> options)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    /// <summary>True (and the request counted) when allowed; otherwise how long until the agent may ask again.</summary>
    public bool TryAcquire(string agentId, out TimeSpan retryAfter)
    {
        var interval = TimeSpan.FromSeconds(options.Value.ReconcileIntervalSeconds);
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_last.TryGetValue(agentId, out var last))
            {
                if (_last.TryAdd(agentId, now))
                {
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                continue;
            }

            var wait = last + interval - now;
            if (wait > TimeSpan.Zero)
            {
                retryAfter = wait;
                return false;
            }

            if (_last.TryUpdate(agentId, now, last))
            {
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }
    }
}
