namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>A JumpCloud system user (the v1 fields that matter for sync).</summary>
public sealed class SystemUser
{
    public required string Id { get; set; }
    public required string Username { get; set; }
    public required string Email { get; set; }
    public string Firstname { get; set; } = "";
    public string Lastname { get; set; } = "";
    public bool Suspended { get; set; }
    public bool AccountLocked { get; set; }
    public string? PasswordHash { get; set; }
    public DateTimeOffset Created { get; set; }
}
