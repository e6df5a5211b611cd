using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace JumpCloudAdi.Agent.Session;

/// <summary>What the agent tells its service manager: ready, a one-line status, stopping.</summary>
public interface IServiceNotifier
{
    void Ready();

    void Status(string text);

    void Stopping();
}

/// <summary>
/// systemd's notify protocol (<c>Type=notify</c>), through <see cref="SystemdNotifier"/>: READY=1 once the start-up
/// checks passed, STATUS= with the agent's state, STOPPING=1, and WATCHDOG=1 at half the interval systemd asks for in
/// <c>WATCHDOG_USEC</c> (so a hung process is restarted). Does nothing when not started by systemd.
/// </summary>
public sealed class SystemdServiceNotifier : IServiceNotifier, IDisposable
{
    private readonly SystemdNotifier _notifier = new();
    private readonly Timer? _watchdog;
    private int _ready;
    private string? _lastStatus;

    public SystemdServiceNotifier()
    {
        if (_notifier.IsEnabled && WatchdogInterval() is { } interval)
        {
            _watchdog = new Timer(_ => _notifier.Notify(new ServiceState("WATCHDOG=1")), null, TimeSpan.Zero, interval / 2);
        }
    }

    public bool IsEnabled => _notifier.IsEnabled;

    public void Ready()
    {
        if (_notifier.IsEnabled && Interlocked.Exchange(ref _ready, 1) == 0)
        {
            _notifier.Notify(ServiceState.Ready);
        }
    }

    public void Status(string text)
    {
        if (_notifier.IsEnabled && !string.Equals(Interlocked.Exchange(ref _lastStatus, text), text, StringComparison.Ordinal))
        {
            _notifier.Notify(new ServiceState("STATUS=" + text.ReplaceLineEndings(" ")));
        }
    }

    public void Stopping()
    {
        if (_notifier.IsEnabled)
        {
            _notifier.Notify(ServiceState.Stopping);
        }
    }

    public void Dispose() => _watchdog?.Dispose();

    /// <summary>The watchdog interval systemd set for this process (sd_watchdog_enabled), or null.</summary>
    internal static TimeSpan? WatchdogInterval()
    {
        if (Environment.GetEnvironmentVariable("WATCHDOG_PID") is { Length: > 0 } pid
            && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }
}
