namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>JumpCloud graph target types an ADI domain associates with.</summary>
public static class AssociationTypes
{
    public const string User = "user";
    public const string UserGroup = "user_group";
}
