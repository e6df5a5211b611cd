using System.DirectoryServices.Protocols;

namespace JumpCloudAdi.Agent.Directory;

internal static class ModificationExtensions
{
    public static DirectoryAttributeModification With(this DirectoryAttributeModification modification, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            modification.Add(value);
        }

        return modification;
    }

    public static DirectoryAttributeModification WithBytes(this DirectoryAttributeModification modification, byte[] value)
    {
        modification.Add(value);
        return modification;
    }
}
