namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>A user or user group bound to an ADI domain (JumpCloud's graph association).</summary>
public sealed class DomainAssociation
{
    public required string DomainId { get; set; }

    /// <summary><c>user</c> or <c>user_group</c>.</summary>
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
}
