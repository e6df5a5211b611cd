namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>One entry from <c>ldapsearch</c> output: its DN and attribute values (base64 values decoded).</summary>
public sealed class LdapEntry(string dn)
{
    public string Dn { get; } = dn;
    public Dictionary<string, List<string>> Attributes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? First(string attribute) => Attributes.TryGetValue(attribute, out var v) && v.Count > 0 ? v[0] : null;

    public IReadOnlyList<string> All(string attribute) => Attributes.TryGetValue(attribute, out var v) ? v : [];

    /// <summary>Parses <c>ldapsearch -LLL -o ldif-wrap=no</c> output.</summary>
    public static List<LdapEntry> ParseLdif(string text)
    {
        var entries = new List<LdapEntry>();
        LdapEntry? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                current = null;
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            string name, value;
            var b64 = line.IndexOf(":: ", StringComparison.Ordinal);
            var plain = line.IndexOf(": ", StringComparison.Ordinal);
            if (b64 > 0 && (plain < 0 || b64 < plain))
            {
                name = line[..b64];
                var bytes = Convert.FromBase64String(line[(b64 + 3)..].Trim());
                value = System.Text.Encoding.UTF8.GetString(bytes);
            }
            else if (plain > 0)
            {
                name = line[..plain];
                value = line[(plain + 2)..].TrimEnd('\r');
            }
            else
            {
                continue;
            }

            if (name == "dn")
            {
                current = new LdapEntry(value);
                entries.Add(current);
            }
            else if (current is not null)
            {
                if (!current.Attributes.TryGetValue(name, out var list))
                {
                    current.Attributes[name] = list = [];
                }

                list.Add(value);
            }
        }

        return entries;
    }
}
