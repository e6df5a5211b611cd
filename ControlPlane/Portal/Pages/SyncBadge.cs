using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>The model of the sync-outcome badge partial (applied, skipped, failed, or pending while unknown).</summary>
public sealed record SyncBadge(SyncOutcomeKind? Outcome, string? Message)
{
    public static SyncBadge Of(SyncStatusRecord? status) => new(status?.Outcome, status?.Message);

    public static string Label(SyncOutcomeKind outcome) => outcome switch
    {
        SyncOutcomeKind.Applied => "Synced",
        SyncOutcomeKind.Skipped => "Skipped",
        SyncOutcomeKind.Failed => "Failed",
        _ => outcome.ToWire(),
    };
}
