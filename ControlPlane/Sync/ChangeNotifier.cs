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
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Action>> _subscribers = new();
    private Channel<string>? _outgoing;

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
