using System.Collections.Concurrent;

namespace JumpCloudAdi.ControlPlane.Portal.Security;

/// <summary>
/// Slows down password guessing: after <see cref="MaxFailures"/> failed sign-ins from one address within
/// <see cref="Window"/>, further attempts from it are refused until the window has passed.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Failures> _failures = new();

    /// <summary>When the address may try again, or null if it may try now.</summary>
    public DateTimeOffset? BlockedUntil(string address)
    {
        var now = time.GetUtcNow();
        if (!_failures.TryGetValue(address, out var failures))
        {
            return null;
        }

        if (now - failures.First >= Window)
        {
            _failures.TryRemove(new KeyValuePair<string, Failures>(address, failures));
            return null;
        }

        return failures.Count >= MaxFailures ? failures.First + Window : null;
    }

    public void Failed(string address)
    {
        var now = time.GetUtcNow();
        _failures.AddOrUpdate(address, _ => new Failures(now, 1),
            (_, f) => now - f.First >= Window ? new Failures(now, 1) : f with { Count = f.Count + 1 });
        if (_failures.Count > 10_000)
        {
            // Bounded memory under a spray of addresses: forget windows that have passed.
            foreach (var (key, value) in _failures)
            {
                if (now - value.First >= Window)
                {
                    _failures.TryRemove(new KeyValuePair<string, Failures>(key, value));
                }
            }
        }
    }

    public void Succeeded(string address) => _failures.TryRemove(address, out _);

    private sealed record Failures(DateTimeOffset First, int Count);
}
