using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Import;

/// <summary>
/// Reads what an IMPORT agent reports: every user that is a member of the ADI security group, directly or through
/// security groups nested in it to any depth (a cycle of groups is followed once), and those nested groups with the
/// users each holds. Users and groups are read with paged subtree searches under the domain (the DC components of the
/// ADI group's DN); a group's <c>member</c> values beyond what one read returns (AD's MaxValRange) are read range by
/// range. Works on AD / Samba AD (objectGUID, sAMAccountName or userPrincipalName) and OpenLDAP (entryUUID, uid).
/// </summary>
internal sealed class ImportReader(LdapConnection connection, RootDse rootDse, AgentSettings settings)
{
    private const int PageSize = 500;
    private const int UacDisabled = 0x2;
    private const string OpenLdapLocked = "000001010000Z";

    private bool Ad => rootDse.Flavor == DirectoryFlavor.ActiveDirectory;

    private string AnchorAttribute => Ad ? "objectGUID" : "entryUUID";

    /// <summary>Values of <c>member</c> asked for per read on AD (<c>install --ad-member-range</c>, as the sync agent); null: the DC decides.</summary>
    private int? MemberRangeSize => settings.AdMemberRange;

    /// <summary>Reads the ADI group's members now. Throws <see cref="DirectoryCheckException"/> when the group is gone.</summary>
    public ImportSnapshot Read()
    {
        var groupDn = SemicolonDn.Parse(settings.ImportGroupDn!);
        var importGroupKey = Key(groupDn.ToLdapDn());
        var searchBase = string.Join(",", groupDn.Components.Where(c => c.Type.Equals("DC", StringComparison.OrdinalIgnoreCase)).Select(c => c.ToString()));
        if (searchBase.Length == 0)
        {
            searchBase = rootDse.DefaultNamingContext ?? groupDn.ToLdapDn();
        }

        var groups = ReadGroups(searchBase);
        if (!groups.TryGetValue(importGroupKey, out var importGroup))
        {
            throw new DirectoryCheckException($"the ADI security group '{settings.ImportGroupDn}' (--import-group-dn) no longer exists or is not a security group");
        }

        var users = ReadUsers(searchBase);

        // Walk from the ADI group: every user reached is imported; every group reached below it becomes a user group.
        var importedUsers = new HashSet<string>(StringComparer.Ordinal);
        var nested = new List<GroupEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { importGroupKey };
        var queue = new Queue<GroupEntry>([importGroup]);
        while (queue.TryDequeue(out var group))
        {
            foreach (var member in group.Members)
            {
                if (users.ContainsKey(member))
                {
                    importedUsers.Add(member);
                }
                else if (groups.TryGetValue(member, out var child) && seen.Add(member))
                {
                    nested.Add(child);
                    queue.Enqueue(child);
                }
            }
        }

        var snapshot = new ImportSnapshot();
        foreach (var key in importedUsers.Order(StringComparer.Ordinal))
        {
            snapshot.Users.Add(ToImported(users[key], users));
        }

        foreach (var group in nested)
        {
            var imported = new ImportedGroup { Anchor = group.Anchor, Dn = group.Dn, Name = group.Name, Description = group.Description };
            imported.MemberAnchors.AddRange(UsersWithin(group, groups, users).Order(StringComparer.Ordinal));
            snapshot.Groups.Add(imported);
        }

        return snapshot;
    }

    /// <summary>The anchors of the users in <paramref name="group"/> directly or through its nested groups (each group visited once).</summary>
    private HashSet<string> UsersWithin(GroupEntry group, Dictionary<string, GroupEntry> groups, Dictionary<string, SearchResultEntry> users)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { group.Key };
        var stack = new Stack<GroupEntry>([group]);
        while (stack.TryPop(out var current))
        {
            foreach (var member in current.Members)
            {
                if (users.TryGetValue(member, out var user))
                {
                    anchors.Add(UserAnchor(user));
                }
                else if (groups.TryGetValue(member, out var child) && seen.Add(member))
                {
                    stack.Push(child);
                }
            }
        }

        anchors.Remove("");
        return anchors;
    }

    private Dictionary<string, GroupEntry> ReadGroups(string searchBase)
    {
        var memberRequest = Ad && MemberRangeSize is { } size ? ValueRange.Request("member", 0, size) : "member";
        var filter = Ad ? "(&(objectClass=group)(groupType:1.2.840.113556.1.4.803:=2147483648))" : "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";
        var groups = new Dictionary<string, GroupEntry>(StringComparer.Ordinal);
        foreach (var entry in PagedSearch(searchBase, filter, ["cn", "description", memberRequest, "uniqueMember", AnchorAttribute]))
        {
            var members = Ad ? MembersOf(entry) : [.. entry.AllValues("member"), .. entry.AllValues("uniqueMember")];
            var key = Key(entry.DistinguishedName);
            groups[key] = new GroupEntry(key, entry.DistinguishedName, Anchor(entry), entry.FirstValue("cn") ?? "", entry.FirstValue("description") ?? "",
                members.Select(Key).ToList());
        }

        return groups;
    }

    /// <summary>A group's members on AD, range by range until the DC says the last range was returned.</summary>
    private List<string> MembersOf(SearchResultEntry group)
    {
        var members = new List<string>(group.AllValues("member"));
        var entry = group;
        var range = RangeOf(entry);
        while (range is { } current)
        {
            members.AddRange(entry.AllValues(current.AttributeName));
            if (current.IsLast)
            {
                break;
            }

            var response = (SearchResponse)connection.SendRequest(new SearchRequest(group.DistinguishedName, "(objectClass=*)", SearchScope.Base,
                current.Next("member", MemberRangeSize)));
            if (response.Entries.Count == 0)
            {
                break;
            }

            entry = response.Entries[0];
            range = RangeOf(entry);
            if (range is { } following && following.Start != current.End + 1)
            {
                break; // a range that does not move on ends the read rather than looping
            }
        }

        return members;
    }

    private static ValueRange? RangeOf(SearchResultEntry entry) => ValueRange.Find(entry.Attributes.AttributeNames.Cast<string>(), "member");

    private Dictionary<string, SearchResultEntry> ReadUsers(string searchBase)
    {
        string[] attributes = Ad
            ? ["objectGUID", "sAMAccountName", "userPrincipalName", "givenName", "sn", "mail", "userAccountControl", "displayName", "description",
                "title", "department", "company", "physicalDeliveryOfficeName", "employeeType", "manager", "telephoneNumber", "mobile", "homePhone",
                "facsimileTelephoneNumber", "streetAddress", "postOfficeBox", "l", "st", "postalCode", "co", "c"]
            : ["entryUUID", "uid", "givenName", "sn", "mail", "pwdAccountLockedTime", "displayName", "description", "title", "departmentNumber",
                "o", "physicalDeliveryOfficeName", "employeeType", "manager", "telephoneNumber", "mobile", "homePhone", "facsimileTelephoneNumber",
                "street", "postOfficeBox", "l", "st", "postalCode", "c"];
        var filter = Ad ? "(&(objectCategory=person)(objectClass=user))" : "(objectClass=inetOrgPerson)";
        var users = new Dictionary<string, SearchResultEntry>(StringComparer.Ordinal);
        foreach (var entry in PagedSearch(searchBase, filter, attributes))
        {
            users[Key(entry.DistinguishedName)] = entry;
        }

        return users;
    }

    private ImportedUser ToImported(SearchResultEntry entry, Dictionary<string, SearchResultEntry> users)
    {
        var username = Ad
            ? settings.UserFieldMapping == "userprincipalname" ? entry.FirstValue("userPrincipalName") : entry.FirstValue("sAMAccountName")
            : entry.FirstValue("uid");
        var user = new ImportedUser
        {
            Anchor = UserAnchor(entry),
            Dn = entry.DistinguishedName,
            Username = username ?? "",
            Firstname = entry.FirstValue("givenName") ?? "",
            Lastname = entry.FirstValue("sn") ?? "",
            Email = entry.FirstValue("mail") ?? "",
            Disabled = Ad
                ? (entry.LongValue("userAccountControl") & UacDisabled) != 0
                : entry.FirstValue("pwdAccountLockedTime") == OpenLdapLocked,
        };
        if (!settings.SyncAdditionalAttributes)
        {
            return user;
        }

        user.Displayname = entry.FirstValue("displayName") ?? "";
        user.Description = entry.FirstValue("description") ?? "";
        user.JobTitle = entry.FirstValue("title") ?? "";
        user.Department = entry.FirstValue(Ad ? "department" : "departmentNumber") ?? "";
        user.Company = entry.FirstValue(Ad ? "company" : "o") ?? "";
        user.Location = entry.FirstValue("physicalDeliveryOfficeName") ?? "";
        user.EmployeeType = entry.FirstValue("employeeType") ?? "";
        if (entry.FirstValue("manager") is { } manager && users.TryGetValue(Key(manager), out var managerEntry))
        {
            user.ManagerAnchor = UserAnchor(managerEntry);
        }

        foreach (var (attribute, type) in new[] { ("telephoneNumber", "work"), ("mobile", "mobile"), ("homePhone", "home"), ("facsimileTelephoneNumber", "work_fax") })
        {
            foreach (var number in entry.AllValues(attribute))
            {
                user.PhoneNumbers.Add(new ImportedPhone { Type = type, Number = number });
            }
        }

        var address = new ImportedAddress
        {
            Type = "work",
            StreetAddress = entry.FirstValue(Ad ? "streetAddress" : "street") ?? "",
            PoBox = entry.FirstValue("postOfficeBox") ?? "",
            Locality = entry.FirstValue("l") ?? "",
            Region = entry.FirstValue("st") ?? "",
            PostalCode = entry.FirstValue("postalCode") ?? "",
            Country = entry.FirstValue(Ad ? "co" : "c") ?? entry.FirstValue("c") ?? "",
        };
        if (address.StreetAddress.Length + address.PoBox.Length + address.Locality.Length + address.Region.Length + address.PostalCode.Length + address.Country.Length > 0)
        {
            user.Addresses.Add(address);
        }

        return user;
    }

    private string UserAnchor(SearchResultEntry entry) => Anchor(entry);

    private string Anchor(SearchResultEntry entry) => Ad
        ? entry.AllBinaryValues("objectGUID").FirstOrDefault() is { Length: 16 } bytes ? new Guid(bytes).ToString() : ""
        : entry.FirstValue("entryUUID") ?? "";

    /// <summary>A subtree search in pages of <see cref="PageSize"/> (the simple paged results control).</summary>
    private IEnumerable<SearchResultEntry> PagedSearch(string searchBase, string filter, string[] attributes)
    {
        var page = new PageResultRequestControl(PageSize) { IsCritical = false };
        while (true)
        {
            var request = new SearchRequest(searchBase, filter, SearchScope.Subtree, attributes);
            request.Controls.Add(page);
            var response = (SearchResponse)connection.SendRequest(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                yield return entry;
            }

            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is not { Length: > 0 })
            {
                yield break;
            }

            page = new PageResultRequestControl(PageSize) { IsCritical = false, Cookie = cookie };
        }
    }

    /// <summary>A DN compared as the directory compares it: RDNs trimmed, case ignored.</summary>
    internal static string Key(string dn)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\' && i + 1 < dn.Length)
            {
                current.Append(c).Append(dn[++i]);
            }
            else if (c == ',')
            {
                parts.Add(NormalizeRdn(current.ToString()));
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(NormalizeRdn(current.ToString()));
        return string.Join(",", parts);
    }

    private static string NormalizeRdn(string rdn)
    {
        var eq = rdn.IndexOf('=', StringComparison.Ordinal);
        return eq < 0
            ? rdn.Trim().ToUpperInvariant()
            : string.Create(CultureInfo.InvariantCulture, $"{rdn[..eq].Trim().ToUpperInvariant()}={rdn[(eq + 1)..].Trim().ToUpperInvariant()}");
    }

    private sealed record GroupEntry(string Key, string Dn, string Anchor, string Name, string Description, List<string> Members);
}

/// <summary>Everything in the import's scope at one moment.</summary>
internal sealed class ImportSnapshot
{
    public List<ImportedUser> Users { get; } = [];
    public List<ImportedGroup> Groups { get; } = [];
}
