using System.Globalization;
using System.Text;

namespace JumpCloudAdi.Shared.Dn;

/// <summary>Escaping of untrusted values for LDAP DNs (RFC 4514) and search filters (RFC 4515).</summary>
public static class LdapEscape
{
    /// <summary>Escapes an attribute value for use inside a DN component.</summary>
    public static string DnValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            var leadingSpaceOrHash = i == 0 && (ch == ' ' || ch == '#');
            var trailingSpace = i == value.Length - 1 && ch == ' ';
            if (leadingSpaceOrHash || trailingSpace || ch is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=')
            {
                sb.Append('\\').Append(ch);
            }
            else if (ch == '\0' || char.IsControl(ch))
            {
                foreach (var b in Encoding.UTF8.GetBytes(ch.ToString()))
                {
                    sb.Append('\\').Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }

    /// <summary>Escapes an assertion value for use inside a search filter.</summary>
    public static string FilterValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (byte)'*' or (byte)'(' or (byte)')' or (byte)'\\' or 0 || b > 127)
            {
                sb.Append('\\').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }
}
