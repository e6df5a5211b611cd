namespace JumpCloudAdi.Agent.Directory;

/// <summary>Small operations on RFC 4514 DN strings as servers return them (values already escaped).</summary>
internal static class DnText
{
    /// <summary>The parent of <paramref name="dn"/>: everything after the first unescaped comma.</summary>
    public static string ParentOf(string dn)
    {
        for (var i = 0; i < dn.Length; i++)
        {
            if (dn[i] == '\\')
            {
                i++;
            }
            else if (dn[i] == ',')
            {
                return dn[(i + 1)..];
            }
        }

        return dn;
    }

    /// <summary>True when <paramref name="dn"/> lies strictly below <paramref name="container"/>.</summary>
    public static bool IsUnder(string dn, string container) =>
        dn.Length > container.Length + 1
        && dn.EndsWith(container, StringComparison.OrdinalIgnoreCase)
        && dn[dn.Length - container.Length - 1] == ','
        && (dn.Length - container.Length - 2 < 0 || dn[dn.Length - container.Length - 2] != '\\');

    public static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
