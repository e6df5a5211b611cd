using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Checks made before the agent writes anything: the root user container and the sync group exist, and (AD only) the
/// service account is not a Domain Admin, is not named JumpCloud and is not in a group named JumpCloud. On OpenLDAP
/// the bind identity may be the rootdn, which has no entry, so the account checks do not apply there.
/// </summary>
internal static class StartupChecks
{
    private const string ForbiddenName = "JumpCloud";
    private static readonly (string Rid, string What)[] _adminRids =
    [
        ("512", "Domain Admins"),
        ("519", "Enterprise Admins"),
    ];

    public static void Verify(LdapConnection connection, RootDse rootDse, AgentSettings settings)
    {
        var rootDn = SemicolonDn.Parse(settings.RootUserDn).ToLdapDn();
        var syncGroupDn = SemicolonDn.Parse(settings.SyncGroupDn).ToLdapDn();
        if (ReadEntry(connection, rootDn, "objectClass") is null)
        {
            throw new DirectoryCheckException($"the root user container '{settings.RootUserDn}' (--root-user-dn) does not exist in the directory; create it or fix the setting");
        }

        var groupClass = rootDse.Flavor == DirectoryFlavor.ActiveDirectory ? "group" : "groupOfNames";
        var syncGroup = ReadEntry(connection, syncGroupDn, "objectClass", "groupType");
        if (syncGroup is null)
        {
            throw new DirectoryCheckException($"the sync group '{settings.SyncGroupDn}' (--sync-group-dn) does not exist in the directory; create it as a security group or fix the setting");
        }

        if (!syncGroup.AllValues("objectClass").Contains(groupClass, StringComparer.OrdinalIgnoreCase))
        {
            throw new DirectoryCheckException($"the sync group '{settings.SyncGroupDn}' (--sync-group-dn) is not a {groupClass}");
        }

        if (rootDse.Flavor == DirectoryFlavor.ActiveDirectory)
        {
            if ((syncGroup.LongValue("groupType") & 0x80000000) == 0)
            {
                throw new DirectoryCheckException($"the sync group '{settings.SyncGroupDn}' (--sync-group-dn) is a distribution group; it must be a security group");
            }

            VerifyServiceAccount(connection, rootDse, settings.BindUser);
        }
    }

    internal static void VerifyServiceAccount(LdapConnection connection, RootDse rootDse, string bindUser)
    {
        var namingContext = rootDse.DefaultNamingContext
            ?? throw new DirectoryCheckException("the directory announces Active Directory but no defaultNamingContext; the service account cannot be checked");
        var account = FindAccount(connection, namingContext, bindUser)
            ?? throw new DirectoryCheckException($"the service account '{bindUser}' cannot be found under {namingContext}, so it cannot be checked; bind as a domain user (UPN, DOMAIN\\name or DN)");
        var name = account.FirstValue("sAMAccountName") ?? "";
        if (IsForbidden(name) || IsForbidden(account.FirstValue("cn")) || IsForbidden(bindUser.Split('@')[0].Split('\\')[^1]))
        {
            throw new DirectoryCheckException($"the service account '{bindUser}' is named {ForbiddenName}; JumpCloud reserves that name, use a dedicated account such as jcsync");
        }

        var domainSid = ReadEntry(connection, namingContext, "objectSid") is { } domain && domain.AllBinaryValues("objectSid").FirstOrDefault() is { } sid
            ? SidToString(sid)
            : throw new DirectoryCheckException($"the domain {namingContext} has no objectSid; the service account cannot be checked");
        var tokenGroups = ReadEntry(connection, account.DistinguishedName, "tokenGroups")?.AllBinaryValues("tokenGroups").ToList() ?? [];
        var groupSids = tokenGroups.Select(SidToString).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (rid, what) in _adminRids)
        {
            if (groupSids.Contains($"{domainSid}-{rid}"))
            {
                throw new DirectoryCheckException($"the service account '{bindUser}' is a member of {what}; the agent must not run as a Domain Admin, delegate rights to a dedicated account instead");
            }
        }

        if (tokenGroups.Count == 0)
        {
            return;
        }

        var filter = new StringBuilder("(&(objectClass=group)(|");
        foreach (var group in tokenGroups)
        {
            filter.Append("(objectSid=").Append(EscapeBinary(group)).Append(')');
        }

        filter.Append("))");
        var request = new SearchRequest(namingContext, filter.ToString(), SearchScope.Subtree, "cn", "sAMAccountName");
        var response = (SearchResponse)connection.SendRequest(request);
        foreach (SearchResultEntry group in response.Entries)
        {
            if (IsForbidden(group.FirstValue("cn")) || IsForbidden(group.FirstValue("sAMAccountName")))
            {
                throw new DirectoryCheckException($"the service account '{bindUser}' is a member of the group '{group.DistinguishedName}' named {ForbiddenName}; remove it from that group");
            }
        }
    }

    private static SearchResultEntry? FindAccount(LdapConnection connection, string namingContext, string bindUser)
    {
        if (bindUser.Contains('=', StringComparison.Ordinal))
        {
            return ReadEntry(connection, bindUser, "sAMAccountName", "cn");
        }

        string filter;
        var backslash = bindUser.IndexOf('\\', StringComparison.Ordinal);
        if (backslash >= 0)
        {
            filter = $"(sAMAccountName={LdapEscape.FilterValue(bindUser[(backslash + 1)..])})";
        }
        else if (bindUser.IndexOf('@', StringComparison.Ordinal) is var at and > 0)
        {
            // Explicit UPN, or the implicit one (sAMAccountName@dns-domain) that AD and Samba accept for a bind.
            filter = $"(|(userPrincipalName={LdapEscape.FilterValue(bindUser)})(sAMAccountName={LdapEscape.FilterValue(bindUser[..at])}))";
        }
        else
        {
            filter = $"(sAMAccountName={LdapEscape.FilterValue(bindUser)})";
        }

        var request = new SearchRequest(namingContext, $"(&(objectClass=user){filter})", SearchScope.Subtree, "sAMAccountName", "cn");
        var response = (SearchResponse)connection.SendRequest(request);
        return response.Entries.Count == 1 ? response.Entries[0] : null;
    }

    private static SearchResultEntry? ReadEntry(LdapConnection connection, string dn, params string[] attributes)
    {
        try
        {
            var response = (SearchResponse)connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attributes));
            return response.Entries.Count == 0 ? null : response.Entries[0];
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.InvalidDNSyntax)
        {
            return null;
        }
    }

    private static bool IsForbidden(string? name) => string.Equals(name?.Trim(), ForbiddenName, StringComparison.OrdinalIgnoreCase);

    /// <summary>S-R-I-S-S... form of a binary SID (revision, count, 48-bit authority, little-endian sub-authorities).</summary>
    internal static string SidToString(byte[] sid)
    {
        if (sid.Length < 8)
        {
            return "";
        }

        long authority = 0;
        for (var i = 2; i < 8; i++)
        {
            authority = (authority << 8) | sid[i];
        }

        var text = new StringBuilder().Append("S-").Append(sid[0].ToString(CultureInfo.InvariantCulture)).Append('-').Append(authority.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < sid[1] && 8 + (4 * i) + 4 <= sid.Length; i++)
        {
            text.Append('-').Append(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sid.AsSpan(8 + (4 * i))).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    internal static string EscapeBinary(byte[] value) =>
        string.Concat(value.Select(b => "\\" + b.ToString("x2", CultureInfo.InvariantCulture)));
}
