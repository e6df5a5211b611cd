namespace JumpCloudAdi.Agent.Directory;

/// <summary>What kind of directory the agent writes to, detected from the RootDSE.</summary>
public enum DirectoryFlavor
{
    OpenLdap,
    ActiveDirectory,
}
