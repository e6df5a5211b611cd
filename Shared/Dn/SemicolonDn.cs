using System.Diagnostics.CodeAnalysis;

namespace JumpCloudAdi.Shared.Dn;

/// <summary>
/// A distinguished name in JumpCloud's semicolon form (<c>OU=People;DC=example;DC=com</c>), validated by the rules of
/// JumpCloud's ADI guide: attribute types in capitals (OU, CN, DC), components joined by semicolons, ASCII only.
/// </summary>
public sealed class SemicolonDn
{
    private static readonly string[] _containerTypes = ["CN", "OU", "DC"];

    private SemicolonDn(IReadOnlyList<RdnComponent> components) => Components = components;

    public IReadOnlyList<RdnComponent> Components { get; }

    /// <summary>The RFC 4514 string form with escaped values, e.g. <c>OU=People,DC=example,DC=com</c>.</summary>
    public string ToLdapDn() => string.Join(",", Components.Select(c => c.ToString()));

    /// <summary>The DNS name formed by the trailing DC components, e.g. <c>example.com</c>.</summary>
    public string DnsDomain() =>
        string.Join(".", Components.Where(c => c.Type == "DC").Select(c => c.Value.ToLowerInvariant()));

    public override string ToString() => string.Join(";", Components.Select(c => $"{c.Type}={c.Value}"));

    /// <summary>Parses an ADI domain: only DC components, e.g. <c>DC=example;DC=com</c>.</summary>
    public static bool TryParseDomain(string? text, [NotNullWhen(true)] out SemicolonDn? dn, [NotNullWhen(false)] out string? error)
    {
        dn = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "domain is required, e.g. DC=example;DC=com";
            return false;
        }

        if (text.Contains(' ', StringComparison.Ordinal))
        {
            error = "domain must not contain spaces; write it as DC=example;DC=com";
            return false;
        }

        if (!TryParse(text, out var parsed, out error))
        {
            return false;
        }

        foreach (var c in parsed.Components)
        {
            if (c.Type != "DC")
            {
                error = $"domain must consist of DC components only (found {c.Type}=); write it as DC=example;DC=com";
                return false;
            }

            if (!IsDnsLabel(c.Value))
            {
                error = $"domain component '{c.Value}' is not a valid DNS label (letters, digits and hyphens)";
                return false;
            }
        }

        if (parsed.Components.Count < 2)
        {
            error = "domain needs at least two DC components, e.g. DC=example;DC=com";
            return false;
        }

        dn = parsed;
        return true;
    }

    /// <summary>Parses a container DN such as a root user container or a sync group (CN, OU and DC components).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SemicolonDn? dn, [NotNullWhen(false)] out string? error)
    {
        dn = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a DN is required, e.g. OU=People;DC=example;DC=com";
            return false;
        }

        foreach (var ch in text)
        {
            if (ch > 127)
            {
                error = $"'{text}' contains non-ASCII characters; JumpCloud's ADI requires ASCII DNs";
                return false;
            }

            if (char.IsControl(ch))
            {
                error = $"'{text}' contains control characters";
                return false;
            }
        }

        if (text.Contains(',', StringComparison.Ordinal))
        {
            error = $"'{text}' uses commas; separate components with semicolons, e.g. OU=People;DC=example;DC=com";
            return false;
        }

        var components = new List<RdnComponent>();
        foreach (var part in text.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == part.Length - 1)
            {
                error = $"component '{part}' of '{text}' is not of the form TYPE=value";
                return false;
            }

            var type = part[..eq];
            var value = part[(eq + 1)..];
            if (!_containerTypes.Contains(type))
            {
                error = _containerTypes.Contains(type.ToUpperInvariant())
                    ? $"attribute type '{type}' in '{text}' must be written in capitals ({type.ToUpperInvariant()}=)"
                    : $"attribute type '{type}' in '{text}' is not one of CN, OU, DC";
                return false;
            }

            if (value.Trim() != value)
            {
                error = $"component '{part}' of '{text}' has leading or trailing spaces";
                return false;
            }

            components.Add(new RdnComponent(type, value));
        }

        if (components[^1].Type != "DC")
        {
            error = $"'{text}' must end with the domain's DC components";
            return false;
        }

        var firstDc = components.FindIndex(c => c.Type == "DC");
        if (components.Skip(firstDc).Any(c => c.Type != "DC"))
        {
            error = $"'{text}' has CN/OU components after a DC component";
            return false;
        }

        error = null;
        dn = new SemicolonDn(components);
        return true;
    }

    public static SemicolonDn Parse(string text) =>
        TryParse(text, out var dn, out var error) ? dn : throw new FormatException(error);

    /// <summary>True when this DN lies in (or is) the given domain.</summary>
    public bool IsWithin(SemicolonDn domain)
    {
        var n = domain.Components.Count;
        if (Components.Count < n)
        {
            return false;
        }

        for (var i = 1; i <= n; i++)
        {
            var a = Components[^i];
            var b = domain.Components[^i];
            if (a.Type != b.Type || !string.Equals(a.Value, b.Value, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDnsLabel(string value) =>
        value.Length is > 0 and <= 63
        && value[0] != '-' && value[^1] != '-'
        && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-');
}
