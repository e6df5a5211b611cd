using System.Collections.Concurrent;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// The agent sessions connected to this replica, so a deleted agent's stream can be ended at once: here, and through the
/// PostgreSQL bridge on the other replicas (which also find out on their own within a heartbeat, see
/// <see cref="SessionSweeper"/>).
/// </summary>
public sealed class AgentSessions
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _sessions = new();
    private readonly ChangeNotifier _notifier;

    public AgentSessions(ChangeNotifier notifier)
    {
        _notifier = notifier;
        notifier.AgentDeletedElsewhere += DisconnectHere;
    }

    public bool IsConnected(string agentId) => _sessions.ContainsKey(agentId);

    /// <summary>The agents with a session on this replica right now.</summary>
    public IReadOnlyList<string> ConnectedAgentIds() => [.. _sessions.Keys];

    internal IDisposable Register(string agentId, CancellationTokenSource session)
    {
        // A reconnecting agent replaces its stale session.
        _sessions.AddOrUpdate(agentId, session, (_, previous) =>
        {
            previous.Cancel();
            return session;
        });
        return new Registration(() => _sessions.TryRemove(new KeyValuePair<string, CancellationTokenSource>(agentId, session)));
    }

    /// <summary>The agent was deleted: ends its session here and on every other replica.</summary>
    public void Disconnect(string agentId)
    {
        DisconnectHere(agentId);
        _notifier.SignalAgentDeleted(agentId);
    }

    /// <summary>Ends the agent's session if it is connected to this replica.</summary>
    public void DisconnectHere(string agentId)
    {
        if (_sessions.TryRemove(agentId, out var session))
        {
            session.Cancel();
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
