using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Writes desired state into AD / Samba AD or OpenLDAP. Every operation is idempotent (create-if-missing,
/// set-to-desired, delete-if-present), objects are found by their anchor first, and nothing outside the root user
/// container is ever searched or touched.
/// </summary>
public sealed class DirectoryWriter
{
    private const string AdCapability = "1.2.840.113556.1.4.800";
    private const int UacNormalAccount = 0x200;
    private const int UacDisabled = 0x2;
    private const string GlobalSecurityGroupType = "-2147483646";

    private readonly LdapConnection _connection;
    private readonly AgentSettings _settings;
    private readonly string _rootDn;
    private readonly string _dnsDomain;
    private readonly string _syncGroupDn;
    private readonly string _groupContainerDn;

    public DirectoryWriter(LdapConnection connection, AgentSettings settings)
    {
        _connection = connection;
        _settings = settings;
        var root = SemicolonDn.Parse(settings.RootUserDn);
        _rootDn = root.ToLdapDn();
        _dnsDomain = root.DnsDomain();
        _syncGroupDn = SemicolonDn.Parse(settings.SyncGroupDn).ToLdapDn();
        _groupContainerDn = ParentOf(_syncGroupDn);
        Flavor = DetectFlavor();
    }

    public DirectoryFlavor Flavor { get; }

    public string RootDn => _rootDn;

    private DirectoryFlavor DetectFlavor()
    {
        var request = new SearchRequest("", "(objectClass=*)", SearchScope.Base, "supportedCapabilities");
        var response = (SearchResponse)_connection.SendRequest(request);
        var caps = response.Entries.Count == 0 ? null : response.Entries[0].Attributes["supportedCapabilities"];
        if (caps is not null)
        {
            foreach (string value in caps.GetValues(typeof(string)))
            {
                if (value == AdCapability)
                {
                    return DirectoryFlavor.ActiveDirectory;
                }
            }
        }

        return DirectoryFlavor.OpenLdap;
    }

    public ApplyResult Apply(Change change) => change.KindCase switch
    {
        Change.KindOneofCase.UserUpsert => UpsertUser(change.UserUpsert),
        Change.KindOneofCase.UserDisconnect => DisconnectUser(change.UserDisconnect),
        Change.KindOneofCase.GroupUpsert => UpsertGroup(change.GroupUpsert),
        Change.KindOneofCase.GroupDisconnect => DisconnectGroup(change.GroupDisconnect),
        Change.KindOneofCase.MembershipSet => SetMembership(change.MembershipSet),
        _ => ApplyResult.Skipped($"change kind {change.KindCase} is not supported by this agent version"),
    };

    private ApplyResult UpsertUser(UserUpsert user)
    {
        var existing = FindUser(user.Anchor, user.Username);
        if (existing is not null && IsProtected(existing))
        {
            return ApplyResult.Skipped($"'{existing.DistinguishedName}' has adminCount=1; protected accounts are never touched");
        }

        return Flavor == DirectoryFlavor.ActiveDirectory ? UpsertAdUser(user, existing) : UpsertOpenLdapUser(user, existing);
    }

    private ApplyResult UpsertOpenLdapUser(UserUpsert user, SearchResultEntry? existing)
    {
        var displayName = DisplayName(user);
        if (existing is null)
        {
            var dn = $"uid={LdapEscape.DnValue(user.Username)},{_rootDn}";
            var add = new AddRequest(dn,
                new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                new DirectoryAttribute("uid", user.Username),
                new DirectoryAttribute("cn", displayName),
                new DirectoryAttribute("sn", Nonempty(user.Lastname, user.Username)),
                new DirectoryAttribute("displayName", displayName));
            AddOptional(add, "givenName", user.Firstname);
            AddOptional(add, "mail", user.Email);
            _connection.SendRequest(add);
            return ApplyResult.Applied(ReadAnchor(dn));
        }

        var currentDn = existing.DistinguishedName;
        var wantedRdn = $"uid={LdapEscape.DnValue(user.Username)}";
        if (!string.Equals(FirstValue(existing, "uid"), user.Username, StringComparison.Ordinal))
        {
            _connection.SendRequest(new ModifyDNRequest(currentDn, ParentOf(currentDn), wantedRdn) { DeleteOldRdn = true });
            currentDn = $"{wantedRdn},{ParentOf(currentDn)}";
        }

        var modify = new ModifyRequest(currentDn,
            Replace("cn", displayName),
            Replace("sn", Nonempty(user.Lastname, user.Username)),
            Replace("displayName", displayName),
            Replace("givenName", user.Firstname),
            Replace("mail", user.Email));
        _connection.SendRequest(modify);
        return ApplyResult.Applied(ReadAnchor(currentDn));
    }

    private ApplyResult UpsertAdUser(UserUpsert user, SearchResultEntry? existing)
    {
        var displayName = DisplayName(user);
        var upn = $"{user.Username}@{_dnsDomain}";
        if (existing is null)
        {
            var dn = $"CN={LdapEscape.DnValue(displayName)},{_rootDn}";
            try
            {
                _connection.SendRequest(NewAdUser(dn, user, displayName, upn));
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
            {
                // Another account already has this common name: keep both apart by the unique username.
                dn = $"CN={LdapEscape.DnValue($"{displayName} ({user.Username})")},{_rootDn}";
                _connection.SendRequest(NewAdUser(dn, user, displayName, upn));
            }

            return ApplyResult.Applied(ReadAnchor(dn));
        }

        var currentDn = existing.DistinguishedName;
        var modify = new ModifyRequest(currentDn,
            Replace("sAMAccountName", user.Username),
            Replace("userPrincipalName", upn),
            Replace("displayName", displayName),
            Replace("givenName", user.Firstname),
            Replace("sn", user.Lastname),
            Replace("mail", user.Email));
        if (user.Suspended)
        {
            var uac = int.TryParse(FirstValue(existing, "userAccountControl"), out var v) ? v : UacNormalAccount;
            modify.Modifications.Add(Replace("userAccountControl", (uac | UacDisabled).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        _connection.SendRequest(modify);
        return ApplyResult.Applied(ReadAnchor(currentDn));
    }

    private static AddRequest NewAdUser(string dn, UserUpsert user, string displayName, string upn)
    {
        // Created disabled: AD refuses an enabled account without a password, and an account is only enabled once
        // its password has been set.
        var add = new AddRequest(dn,
            new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "user"),
            new DirectoryAttribute("sAMAccountName", user.Username),
            new DirectoryAttribute("userPrincipalName", upn),
            new DirectoryAttribute("displayName", displayName),
            new DirectoryAttribute("userAccountControl", (UacNormalAccount | UacDisabled).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AddOptional(add, "givenName", user.Firstname);
        AddOptional(add, "sn", user.Lastname);
        AddOptional(add, "mail", user.Email);
        return add;
    }

    private ApplyResult DisconnectUser(UserDisconnect user)
    {
        var existing = FindUser("", user.Username);
        if (existing is null)
        {
            return ApplyResult.Applied();
        }

        if (IsProtected(existing))
        {
            return ApplyResult.Skipped($"'{existing.DistinguishedName}' has adminCount=1; protected accounts are never touched");
        }

        switch (_settings.UserDisconnectionAction)
        {
            case "remove":
                _connection.SendRequest(new DeleteRequest(existing.DistinguishedName));
                return ApplyResult.Applied();
            case "disable" when Flavor == DirectoryFlavor.ActiveDirectory:
                var uac = int.TryParse(FirstValue(existing, "userAccountControl"), out var v) ? v : UacNormalAccount;
                _connection.SendRequest(new ModifyRequest(existing.DistinguishedName,
                    Replace("userAccountControl", (uac | UacDisabled).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                return ApplyResult.Applied();
            default:
                return ApplyResult.Applied();
        }
    }

    private bool IsAd => Flavor == DirectoryFlavor.ActiveDirectory;

    private ApplyResult UpsertGroup(GroupUpsert group)
    {
        var existing = FindGroup(group.Anchor, group.Name);
        string dn;
        if (existing is null)
        {
            dn = $"CN={LdapEscape.DnValue(group.Name)},{_groupContainerDn}";
            var add = IsAd
                ? new AddRequest(dn,
                    new DirectoryAttribute("objectClass", "top", "group"),
                    new DirectoryAttribute("sAMAccountName", group.Name),
                    new DirectoryAttribute("groupType", GlobalSecurityGroupType))
                // groupOfNames needs at least one member: an empty group holds a placeholder DN that never names an
                // entry, so it is recognisable and removed as soon as a real member arrives.
                : new AddRequest(dn,
                    new DirectoryAttribute("objectClass", "top", "groupOfNames"),
                    new DirectoryAttribute("cn", group.Name),
                    new DirectoryAttribute("member", EmptyGroupPlaceholder));
            try
            {
                _connection.SendRequest(add);
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
            {
                // Same name already in the sync group's container (created by an earlier run whose ack was lost).
            }
        }
        else
        {
            dn = existing.DistinguishedName;
            if (!string.Equals(FirstValue(existing, "cn"), group.Name, StringComparison.Ordinal))
            {
                var rdn = $"CN={LdapEscape.DnValue(group.Name)}";
                _connection.SendRequest(new ModifyDNRequest(dn, ParentOf(dn), rdn) { DeleteOldRdn = true });
                dn = $"{rdn},{ParentOf(dn)}";
                if (IsAd)
                {
                    _connection.SendRequest(new ModifyRequest(dn, Replace("sAMAccountName", group.Name)));
                }
            }
        }

        // Nested in the sync group, which makes it the parent of every synced group.
        AddMember(_syncGroupDn, dn);
        return ApplyResult.Applied(ReadAnchor(dn));
    }

    private ApplyResult DisconnectGroup(GroupDisconnect group)
    {
        var existing = FindGroup("", group.Name);
        if (existing is null || _settings.GroupDisconnectionAction != "remove")
        {
            return ApplyResult.Applied();
        }

        RemoveMember(_syncGroupDn, existing.DistinguishedName);
        _connection.SendRequest(new DeleteRequest(existing.DistinguishedName));
        return ApplyResult.Applied();
    }

    private ApplyResult SetMembership(MembershipSet membership)
    {
        var group = FindGroup("", membership.GroupName);
        if (group is null)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"group '{membership.GroupName}' does not exist in {_groupContainerDn}");
        }

        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        foreach (var username in membership.MemberUsernames)
        {
            var user = FindUser("", username);
            if (user is null)
            {
                missing.Add(username);
            }
            else
            {
                wanted.Add(user.DistinguishedName);
            }
        }

        var current = new HashSet<string>(AllValues(group, "member"), StringComparer.OrdinalIgnoreCase);
        var modify = new ModifyRequest(group.DistinguishedName);
        // Only members inside the root user container are ours to remove; anything else in the group is left alone.
        var toRemove = current.Where(m => !wanted.Contains(m) && IsUnder(m, _rootDn)).ToList();
        var toAdd = wanted.Where(m => !current.Contains(m)).ToList();
        if (!IsAd)
        {
            if (wanted.Count == 0 && !current.Contains(EmptyGroupPlaceholder))
            {
                toAdd.Add(EmptyGroupPlaceholder);
            }
            else if (wanted.Count > 0 && current.Contains(EmptyGroupPlaceholder))
            {
                toRemove.Add(EmptyGroupPlaceholder);
            }
        }

        // Add before remove, so a groupOfNames is never left without a member in between.
        if (toAdd.Count > 0)
        {
            modify.Modifications.Add(new DirectoryAttributeModification { Name = "member", Operation = DirectoryAttributeOperation.Add }.With(toAdd));
        }

        if (toRemove.Count > 0)
        {
            modify.Modifications.Add(new DirectoryAttributeModification { Name = "member", Operation = DirectoryAttributeOperation.Delete }.With(toRemove));
        }

        if (modify.Modifications.Count > 0)
        {
            _connection.SendRequest(modify);
        }

        return missing.Count == 0
            ? ApplyResult.Applied(ReadAnchor(group.DistinguishedName))
            : ApplyResult.Failed((int)ResultCode.NoSuchObject, $"members not found in {_rootDn}: {string.Join(", ", missing)}");
    }

    private string EmptyGroupPlaceholder => $"cn=empty-membership,{_groupContainerDn}";

    private void AddMember(string groupDn, string memberDn)
    {
        try
        {
            _connection.SendRequest(new ModifyRequest(groupDn, DirectoryAttributeOperation.Add, "member", memberDn));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.AttributeOrValueExists or ResultCode.EntryAlreadyExists)
        {
        }
    }

    private void RemoveMember(string groupDn, string memberDn)
    {
        try
        {
            _connection.SendRequest(new ModifyRequest(groupDn, DirectoryAttributeOperation.Delete, "member", memberDn));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchAttribute or ResultCode.UnwillingToPerform or ResultCode.ObjectClassViolation)
        {
        }
    }

    /// <summary>Finds a synced group: by anchor when known, else by name among the sync group's siblings.</summary>
    private SearchResultEntry? FindGroup(string anchor, string name)
    {
        var objectClass = IsAd ? "group" : "groupOfNames";
        if (!string.IsNullOrEmpty(anchor))
        {
            var byAnchor = Search(_groupContainerDn, SearchScope.OneLevel, $"(&(objectClass={objectClass}){AnchorFilter(anchor)})");
            if (byAnchor is not null)
            {
                return byAnchor;
            }
        }

        return Search(_groupContainerDn, SearchScope.OneLevel, $"(&(objectClass={objectClass})(cn={LdapEscape.FilterValue(name)}))");
    }

    private static bool IsUnder(string dn, string container) =>
        dn.EndsWith("," + container, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> AllValues(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? values.GetValues(typeof(string)).Cast<string>() : [];

    /// <summary>Finds a user in the root user container: by anchor when known, else by username.</summary>
    private SearchResultEntry? FindUser(string anchor, string username)
    {
        var naming = Flavor == DirectoryFlavor.ActiveDirectory ? "sAMAccountName" : "uid";
        if (!string.IsNullOrEmpty(anchor))
        {
            var byAnchor = SearchOne(AnchorFilter(anchor));
            if (byAnchor is not null)
            {
                return byAnchor;
            }
        }

        return SearchOne($"(&(objectClass={(Flavor == DirectoryFlavor.ActiveDirectory ? "user" : "inetOrgPerson")})({naming}={LdapEscape.FilterValue(username)}))");
    }

    private SearchResultEntry? SearchOne(string filter) => Search(_rootDn, SearchScope.Subtree, filter);

    private SearchResultEntry? Search(string baseDn, SearchScope scope, string filter)
    {
        var request = new SearchRequest(baseDn, filter, scope, "uid", "sAMAccountName", "adminCount", "userAccountControl", "cn", "member");
        var response = (SearchResponse)_connection.SendRequest(request);
        return response.Entries.Count == 0 ? null : response.Entries[0];
    }

    private string AnchorFilter(string anchor)
    {
        if (Flavor == DirectoryFlavor.ActiveDirectory && Guid.TryParse(anchor, out var guid))
        {
            var bytes = guid.ToByteArray();
            return "(objectGUID=" + string.Concat(bytes.Select(b => "\\" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) + ")";
        }

        return $"(entryUUID={LdapEscape.FilterValue(anchor)})";
    }

    private string ReadAnchor(string dn)
    {
        var attribute = Flavor == DirectoryFlavor.ActiveDirectory ? "objectGUID" : "entryUUID";
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attribute));
        if (response.Entries.Count == 0 || response.Entries[0].Attributes[attribute] is not { Count: > 0 } values)
        {
            return "";
        }

        return Flavor == DirectoryFlavor.ActiveDirectory
            ? new Guid((byte[])values.GetValues(typeof(byte[]))[0]).ToString()
            : (string)values.GetValues(typeof(string))[0];
    }

    private static bool IsProtected(SearchResultEntry entry) => FirstValue(entry, "adminCount") == "1";

    private static string? FirstValue(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? (string)values.GetValues(typeof(string))[0] : null;

    private static string ParentOf(string dn)
    {
        // The parent of an entry we found under the root container; the RDN value was escaped, so split on the first
        // unescaped comma.
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

    private static string DisplayName(UserUpsert user)
    {
        var name = $"{user.Firstname} {user.Lastname}".Trim();
        return name.Length == 0 ? user.Username : name;
    }

    private static string Nonempty(string value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;

    private static void AddOptional(AddRequest add, string attribute, string value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            add.Attributes.Add(new DirectoryAttribute(attribute, value));
        }
    }

    private static DirectoryAttributeModification Replace(string attribute, string value)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Replace };
        if (!string.IsNullOrEmpty(value))
        {
            modification.Add(value);
        }

        return modification;
    }
}
