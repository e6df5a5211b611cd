namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>A JumpCloud user group.</summary>
public sealed class UserGroup
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
}
