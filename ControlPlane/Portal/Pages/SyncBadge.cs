using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>The model of the sync-outcome badge partial (applied, skipped, failed, or pending while unknown).</summary>
public sealed record SyncBadge(string? Outcome, string? Message)
{
    public static SyncBadge Of(SyncStatusRecord? status) => new(status?.Outcome, status?.Message);

    public static string Label(string outcome) => outcome switch
    {
        "applied" => "Synced",
        "skipped" => "Skipped",
        "failed" => "Failed",
        _ => outcome,
    };
}
