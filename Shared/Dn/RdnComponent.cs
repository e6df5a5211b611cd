namespace JumpCloudAdi.Shared.Dn;

/// <summary>One attribute=value pair of a distinguished name, value unescaped.</summary>
public readonly record struct RdnComponent(string Type, string Value)
{
    public override string ToString() => $"{Type}={LdapEscape.DnValue(Value)}";
}
