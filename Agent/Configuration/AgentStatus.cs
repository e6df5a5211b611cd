namespace JumpCloudAdi.Agent.Configuration;

/// <summary>What <c>run</c> last observed, written beside the settings for <c>status</c> to show.</summary>
public sealed class AgentStatus
{
    public string State { get; set; } = "stopped";

    /// <summary>The process id of the <c>run</c> that wrote this, so <c>status</c> can tell a stale file from a live agent.</summary>
    public int Pid { get; set; }
    public long Epoch { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>A standing warning, e.g. the fallback to plain LDAP.</summary>
    public string? Warning { get; set; }
    public string? LastBatch { get; set; }
    public DateTimeOffset? LastBatchAt { get; set; }
    public string? LastReconcile { get; set; }
    public DateTimeOffset? LastReconcileAt { get; set; }

    /// <summary>An IMPORT agent's last report: its summary as the control plane answered it, and when.</summary>
    public string? LastImport { get; set; }
    public DateTimeOffset? LastImportAt { get; set; }

    /// <summary>An IMPORT agent's last read of the directory (a report sent, or nothing changed).</summary>
    public DateTimeOffset? LastPollAt { get; set; }

    /// <summary>The primary's current (or last) sync run: entries applied of those the domain had queued.</summary>
    public bool ProgressRunning { get; set; }
    public long ProgressDone { get; set; }
    public long ProgressTotal { get; set; }
    public DateTimeOffset? ProgressStartedAt { get; set; }
    public DateTimeOffset? ProgressUpdatedAt { get; set; }

    /// <summary>
    /// "1,000 of 2,004 applied, 480/s, about 3 s left" while a run goes on, how the last one ended otherwise; null
    /// before the first run. The rate is over the run so far.
    /// </summary>
    public string? DescribeProgress()
    {
        if (ProgressTotal <= 0 || ProgressStartedAt is not { } started || ProgressUpdatedAt is not { } updated)
        {
            return null;
        }

        var c = System.Globalization.CultureInfo.InvariantCulture;
        var seconds = (updated - started).TotalSeconds;
        var rate = seconds > 0 ? ProgressDone / seconds : 0;
        if (!ProgressRunning)
        {
            return string.Format(c, "last run: {0:N0} of {1:N0} applied in {2}{3}", ProgressDone, ProgressTotal, Duration(seconds),
                rate > 0 ? string.Format(c, " ({0:N0}/s)", rate) : "");
        }

        var text = string.Format(c, "{0:N0} of {1:N0} applied", ProgressDone, ProgressTotal);
        return rate > 0
            ? text + string.Format(c, ", {0:N0}/s, about {1} left (as of {2:O})", rate, Duration((ProgressTotal - ProgressDone) / rate), updated)
            : text + string.Format(c, ", just started (as of {0:O})", updated);
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 1 => "under 1 s",
        < 90 => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N0} s", seconds),
        < 5400 => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N0} min", seconds / 60),
        _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N1} h", seconds / 3600),
    };

    /// <summary>
    /// Whether the agent that wrote this status is healthy: running and connected to the control plane. Null when
    /// healthy, else the reason in one line.
    /// </summary>
    /// <param name="isRunning">Whether the process with that id is still this agent's <c>run</c> (not a reused id).</param>
    public string? Unhealthy(Func<int, bool> isRunning)
    {
        if (Pid <= 0 || !isRunning(Pid))
        {
            return $"the agent is not running (last seen {State} at {UpdatedAt:O})";
        }

        if (!State.StartsWith("connected", StringComparison.Ordinal))
        {
            return LastError is null ? $"the agent is {State}" : $"the agent is {State}: {LastError}";
        }

        return null;
    }

    public static string PathFor(string configPath) => Path.Combine(Path.GetFullPath(configPath) + ".d", "status.json");

    /// <summary>Replaces the status file in one step, so that <c>status</c> never reads it half-written while <c>run</c> updates it.</summary>
    public void Write(string configPath)
    {
        var path = PathFor(configPath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SettingsStore.ReplaceOwnerOnly(path, System.Text.Json.JsonSerializer.Serialize(this, AgentJsonContext.Default.AgentStatus));
    }
}
