namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>Direct membership of a user in a user group.</summary>
public sealed class GroupMember
{
    public required string GroupId { get; set; }
    public required string UserId { get; set; }
}
