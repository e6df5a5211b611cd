namespace JumpCloudAdi.Agent.Configuration;

/// <summary>What <c>run</c> last observed, written beside the settings for <c>status</c> to show.</summary>
public sealed class AgentStatus
{
    public string State { get; set; } = "stopped";
    public long Epoch { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>A standing warning, e.g. the fallback to plain LDAP.</summary>
    public string? Warning { get; set; }
    public string? LastBatch { get; set; }
    public DateTimeOffset? LastBatchAt { get; set; }
    public string? LastReconcile { get; set; }
    public DateTimeOffset? LastReconcileAt { get; set; }

    public static string PathFor(string configPath) => Path.Combine(Path.GetFullPath(configPath) + ".d", "status.json");

    /// <summary>Replaces the status file in one step, so that <c>status</c> never reads it half-written while <c>run</c> updates it.</summary>
    public void Write(string configPath)
    {
        var path = PathFor(configPath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SettingsStore.ReplaceOwnerOnly(path, System.Text.Json.JsonSerializer.Serialize(this, AgentJsonContext.Default.AgentStatus));
    }
}
