using System.Collections.Concurrent;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>The agent sessions connected to this replica, so a deleted agent's stream can be ended at once.</summary>
public sealed class AgentSessions
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _sessions = new();

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

    /// <summary>Ends the agent's session if it is connected here.</summary>
    public void Disconnect(string agentId)
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
