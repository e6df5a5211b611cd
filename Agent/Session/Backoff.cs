namespace JumpCloudAdi.Agent.Session;

/// <summary>Capped exponential backoff with full jitter, so a fleet does not reconnect in lock-step.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 20)));
        _attempt++;
        // Half fixed, half random: never zero, never above the cap.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    public void Reset() => _attempt = 0;
}
