using System.Collections.Concurrent;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Wakes the agent sessions of a domain when its change log or lease moved. A hint only: sessions also poll on their
/// heartbeat, so a missed signal (or a change written by another replica) costs at most one heartbeat.
/// </summary>
public sealed class ChangeNotifier
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Action>> _subscribers = new();

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

    public void Signal(string domainId)
    {
        if (_subscribers.TryGetValue(domainId, out var set))
        {
            foreach (var wake in set.Values)
            {
                wake();
            }
        }
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
