namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>JumpCloud's agent states: unsealed until enrolled, then active or inactive.</summary>
public static class AgentStates
{
    public const string Unsealed = "unsealed";
    public const string Active = "active";
    public const string Inactive = "inactive";
}
