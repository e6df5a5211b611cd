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
