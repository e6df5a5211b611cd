using System.DirectoryServices.Protocols;
using System.Security.Cryptography;
using System.Text;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// The OpenLDAP dialect: <c>inetOrgPerson</c> named by <c>uid</c>, passwords through the password modify extended
/// operation (or an agent-computed {SSHA} hash), <c>groupOfNames</c> that always keep one member. Suspension and
/// disabling follow the ppolicy convention of an administrator lock: <c>pwdAccountLockedTime: 000001010000Z</c>;
/// unlocking removes <c>pwdAccountLockedTime</c>. Without the ppolicy overlay the account state is not written
/// (the outcome says so).
/// </summary>
internal sealed class OpenLdapDialect(DirectorySearch ldap, DirectoryScope scope, AgentSettings settings, RootDse rootDse)
    : DirectoryDialect(ldap, scope, settings, rootDse)
{
    /// <summary>ppolicy's value for "locked by an administrator until unlocked".</summary>
    public const string PermanentLock = "000001010000Z";
    private const string LockAttribute = "pwdAccountLockedTime";
    private const string NoPpolicy = "the ppolicy overlay is not loaded, so the account's enabled/locked state is not written";
    private bool? _hasPpolicy;

    public override DirectoryFlavor Flavor => DirectoryFlavor.OpenLdap;

    protected override string AnchorFromValue(byte[] value) => Encoding.UTF8.GetString(value);

    public override string UserFilter => "(objectClass=inetOrgPerson)";

    public override string UsernameAttribute => "uid";

    public override string GroupClass => "groupOfNames";

    public override string AnchorAttribute => "entryUUID";

    public override string[] UserAttributes { get; } =
        ["uid", "cn", "sn", "givenName", "displayName", "mail", "adminCount", LockAttribute, "entryUUID"];

    /// <summary>A DN that never names an entry: the member of a synced groupOfNames that has no real member.</summary>
    private string EmptyGroupPlaceholder => $"cn=empty-membership,{Scope.GroupContainerDn}";

    public override ApplyResult CreateUser(UserUpsert user)
    {
        var displayName = DisplayName(user);
        var dn = $"uid={LdapEscape.DnValue(user.Username)},{Scope.RootDn}";
        var add = new AddRequest(dn,
            new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
            new DirectoryAttribute("uid", user.Username),
            new DirectoryAttribute("cn", displayName),
            new DirectoryAttribute("sn", NonEmpty(user.Lastname, user.Username)),
            new DirectoryAttribute("displayName", displayName));
        AddOptional(add, "givenName", user.Firstname);
        AddOptional(add, "mail", user.Email);
        var note = "";
        if (user.Suspended)
        {
            if (HasPpolicy())
            {
                add.Attributes.Add(new DirectoryAttribute(LockAttribute, PermanentLock));
            }
            else
            {
                note = NoPpolicy;
            }
        }

        var anchor = AddReadingAnchor(add);
        return ApplyResult.Applied(anchor, note);
    }

    public override ApplyResult UpdateUser(UserUpsert user, SearchResultEntry existing)
    {
        var dn = existing.DistinguishedName;
        var keepName = KeepsName(user, existing);
        if (!keepName && !string.Equals(existing.FirstValue("uid"), user.Username, StringComparison.Ordinal))
        {
            var rdn = $"uid={LdapEscape.DnValue(user.Username)}";
            var parent = DnText.ParentOf(dn);
            Ldap.Send(new ModifyDNRequest(dn, parent, rdn) { DeleteOldRdn = true });
            dn = $"{rdn},{parent}";
        }

        var displayName = DisplayName(user);
        var modify = new ModifyRequest(dn);
        if (!keepName)
        {
            SetIfDifferent(modify, existing, "cn", displayName);
            SetIfDifferent(modify, existing, "displayName", displayName);
        }

        SetIfDifferent(modify, existing, "sn", NonEmpty(user.Lastname, user.Username));
        SetIfDifferent(modify, existing, "givenName", user.Firstname);
        SetIfDifferent(modify, existing, "mail", user.Email);

        var note = "";
        var locked = existing.FirstValue(LockAttribute);
        if (user.Suspended && locked != PermanentLock)
        {
            if (HasPpolicy())
            {
                SetIfDifferent(modify, existing, LockAttribute, PermanentLock);
            }
            else
            {
                note = NoPpolicy;
            }
        }
        else if (!user.Suspended && locked is not null)
        {
            // Activation always lifts an administrator lock; a lockout by failed binds follows SyncAccountLockedOutStatus.
            var unlock = locked == PermanentLock || !Settings.SyncAccountLockedOutStatus || user.ExplicitUnlock;
            if (unlock)
            {
                modify.Modifications.Add(new DirectoryAttributeModification { Name = LockAttribute, Operation = DirectoryAttributeOperation.Delete });
            }
        }

        if (modify.Modifications.Count > 0)
        {
            Ldap.Send(modify);
        }

        return ApplyResult.Applied(AnchorOf(existing, dn), note);
    }

    public override void DisableAccount(SearchResultEntry user)
    {
        if (HasPpolicy() && user.FirstValue(LockAttribute) != PermanentLock)
        {
            var modify = new ModifyRequest(user.DistinguishedName);
            SetIfDifferent(modify, user, LockAttribute, PermanentLock);
            Ldap.Send(modify);
        }
    }

    public override void WritePassword(SearchResultEntry user, string password, bool suspended)
    {
        if (RootDse.Extensions.Contains(PasswordModifyRequest.Oid))
        {
            Ldap.Send(PasswordModifyRequest.Create(user.DistinguishedName, password));
            return;
        }

        var modify = new ModifyRequest(user.DistinguishedName, DirectoryAttributeOperation.Replace, "userPassword", Ssha(password));
        Ldap.Send(modify);
    }

    /// <summary>A presence test, so the password itself is never read (an ACL that hides it answers "none": it is set again).</summary>
    public override bool HasPassword(SearchResultEntry user)
    {
        var response = (SearchResponse)Ldap.Send(new SearchRequest(user.DistinguishedName, "(userPassword=*)", SearchScope.Base, "1.1"));
        return response.Entries.Count > 0;
    }

    /// <summary>RFC 2307 {SSHA}: base64(SHA-1(password | salt) | salt) with an 8-byte random salt.</summary>
    internal static string Ssha(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(8);
        var bytes = Encoding.UTF8.GetBytes(password);
        var input = new byte[bytes.Length + salt.Length];
        bytes.CopyTo(input, 0);
        salt.CopyTo(input, bytes.Length);
#pragma warning disable CA5350 // {SSHA} is SHA-1 by definition; it is what OpenLDAP verifies without the ext op.
        var digest = SHA1.HashData(input);
#pragma warning restore CA5350
        CryptographicOperations.ZeroMemory(bytes);
        CryptographicOperations.ZeroMemory(input);
        return "{SSHA}" + Convert.ToBase64String([.. digest, .. salt]);
    }

    public override AddRequest NewGroup(string dn, string name) => new(dn,
        new DirectoryAttribute("objectClass", "top", "groupOfNames"),
        new DirectoryAttribute("cn", name),
        // groupOfNames needs at least one member: an empty group holds the placeholder until a real member arrives.
        new DirectoryAttribute("member", EmptyGroupPlaceholder));

    public override void SetMembers(string groupDn, IReadOnlySet<string> current, List<string> toAdd, List<string> toRemove)
    {
        var hasPlaceholder = current.Contains(EmptyGroupPlaceholder);
        var realMembers = current.Count - (hasPlaceholder ? 1 : 0) + toAdd.Count - toRemove.Count(m => !DnText.Same(m, EmptyGroupPlaceholder));
        if (realMembers == 0 && !hasPlaceholder)
        {
            toAdd.Add(EmptyGroupPlaceholder);
        }
        else if (realMembers > 0 && hasPlaceholder && !toRemove.Contains(EmptyGroupPlaceholder, StringComparer.OrdinalIgnoreCase))
        {
            toRemove.Add(EmptyGroupPlaceholder);
        }

        // The base adds before it removes, so the group is never without a member in between.
        base.SetMembers(groupDn, current, toAdd, toRemove);
    }

    public override void RemoveMembers(string groupDn, IReadOnlyCollection<string> memberDns)
    {
        var group = Ldap.One(groupDn, SearchScope.Base, "(objectClass=*)", "member");
        if (group is null)
        {
            return;
        }

        var current = new HashSet<string>(group.AllValues("member"), StringComparer.OrdinalIgnoreCase);
        var toRemove = memberDns.Where(current.Contains).ToList();
        if (toRemove.Count > 0)
        {
            SetMembers(groupDn, current, [], toRemove);
        }
    }

    public override string AnchorFilter(string anchor) => $"(entryUUID={LdapEscape.FilterValue(anchor)})";

    public override string AnchorOf(SearchResultEntry entry) => entry.FirstValue("entryUUID") ?? "";

    private bool HasPpolicy()
    {
        if (_hasPpolicy is { } known)
        {
            return known;
        }

        var subschema = RootDse.SubschemaSubentry ?? "cn=Subschema";
        var entry = Ldap.One(subschema, SearchScope.Base, "(objectClass=subschema)", "attributeTypes");
        _hasPpolicy = entry is not null && entry.AllValues("attributeTypes").Any(t => t.Contains($"NAME '{LockAttribute}'", StringComparison.OrdinalIgnoreCase));
        return _hasPpolicy.Value;
    }

    private static string NonEmpty(string value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
