using System.Collections.Concurrent;
using System.Threading.Channels;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Wakes the agent sessions of a domain when its change log or lease moved. A hint only: sessions also poll on their
/// heartbeat, so a missed signal costs at most one heartbeat. With several replicas on one PostgreSQL database,
/// <see cref="PostgresChangeBridge"/> carries each signal to the other replicas (LISTEN/NOTIFY), so a change written
/// through one replica wakes the primary's session on another at once.
/// </summary>
public sealed class ChangeNotifier
{
    /// <summary>Marks a bridged signal that names a deleted agent rather than a domain (domain ids are 24 hex digits).</summary>
    internal const string AgentDeletedPrefix = "agent-deleted=";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Action>> _subscribers = new();
    private Channel<string>? _outgoing;

    /// <summary>Another replica deleted this agent (the argument is its id): end its session here.</summary>
    public event Action<string>? AgentDeletedElsewhere;

    public IDisposable Subscribe(string domainId, Action wake)
    {
        var id = Guid.NewGuid();
        _subscribers.GetOrAdd(domainId, _ => new()).TryAdd(id, wake);
        return new Subscription(() =>
        {
            if (_subscribers.TryGetValue(domainId, out var set))
            {
                set.TryRemove(id, out _);
            }
        });
    }

    /// <summary>Wakes this replica's sessions of the domain and, when a bridge is attached, the other replicas' too.</summary>
    public void Signal(string domainId)
    {
        SignalLocal(domainId);
        Volatile.Read(ref _outgoing)?.Writer.TryWrite(domainId);
    }

    /// <summary>Wakes this replica's sessions of the domain only (a signal that came from another replica).</summary>
    public void SignalLocal(string domainId)
    {
        if (_subscribers.TryGetValue(domainId, out var set))
        {
            foreach (var wake in set.Values)
            {
                wake();
            }
        }
    }

    /// <summary>Tells the other replicas (through the bridge, when attached) that the agent was deleted.</summary>
    public void SignalAgentDeleted(string agentId) => Volatile.Read(ref _outgoing)?.Writer.TryWrite(AgentDeletedPrefix + agentId);

    /// <summary>Delivers a signal that came from another replica: a domain's change, or an agent's deletion.</summary>
    internal void DeliverRemote(string signal)
    {
        if (signal.StartsWith(AgentDeletedPrefix, StringComparison.Ordinal))
        {
            AgentDeletedElsewhere?.Invoke(signal[AgentDeletedPrefix.Length..]);
        }
        else
        {
            SignalLocal(signal);
        }
    }

    /// <summary>Signals to pass on to other replicas from now on (one bridge per notifier).</summary>
    internal ChannelReader<string> AttachBridge()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
        {
            // A hint: when the bridge falls behind, dropping one costs at most a heartbeat on the other replica.
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        if (Interlocked.CompareExchange(ref _outgoing, channel, null) is not null)
        {
            throw new InvalidOperationException("a bridge is already attached to this notifier");
        }

        return channel.Reader;
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
