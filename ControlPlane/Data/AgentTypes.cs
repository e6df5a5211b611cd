namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>What an agent does: a SYNC agent writes the domain's change log into the directory; an IMPORT agent never does.</summary>
public static class AgentTypes
{
    public const string Sync = "SYNC";
    public const string Import = "IMPORT";
}
