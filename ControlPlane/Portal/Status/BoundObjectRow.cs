using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>A user or group a domain should contain, how it got there, and its latest sync outcome.</summary>
public sealed record BoundObjectRow(
    string Id,
    string Type,
    string Name,
    string Detail,
    bool Direct,
    IReadOnlyList<string> ViaGroups,
    SyncStatusRecord? Status,
    bool Suspended = false);
