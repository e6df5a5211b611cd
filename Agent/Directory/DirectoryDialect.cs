using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// What differs between AD / Samba AD (<see cref="ActiveDirectoryDialect"/>) and OpenLDAP (<see cref="OpenLdapDialect"/>):
/// the object classes, attribute names and filters, the anchor, how a user entry is created and updated, how a
/// password is written, how an account is disabled, and how a group keeps its members. The writers for users and
/// groups are the same for both and ask the dialect for these.
/// </summary>
internal abstract class DirectoryDialect(DirectorySearch ldap, DirectoryScope scope, AgentSettings settings, RootDse rootDse)
{
    protected DirectorySearch Ldap { get; } = ldap;
    protected DirectoryScope Scope { get; } = scope;
    protected AgentSettings Settings { get; } = settings;
    protected RootDse RootDse { get; } = rootDse;

    /// <summary>The dialect of the directory the RootDSE describes.</summary>
    public static DirectoryDialect For(DirectorySearch ldap, DirectoryScope scope, AgentSettings settings, RootDse rootDse) =>
        rootDse.Flavor == DirectoryFlavor.ActiveDirectory
            ? new ActiveDirectoryDialect(ldap, scope, settings, rootDse)
            : new OpenLdapDialect(ldap, scope, settings, rootDse);

    public abstract DirectoryFlavor Flavor { get; }

    // ---- names and filters ------------------------------------------------------------------------------------

    /// <summary>The filter terms of the users this dialect creates and finds.</summary>
    public abstract string UserFilter { get; }

    public abstract string UsernameAttribute { get; }

    public abstract string GroupClass { get; }

    public abstract string AnchorAttribute { get; }

    /// <summary>Attributes read with every user search.</summary>
    public abstract string[] UserAttributes { get; }

    /// <summary>The filter term that finds the entry with this anchor.</summary>
    public abstract string AnchorFilter(string anchor);

    /// <summary>The anchor in a search result that asked for <see cref="AnchorAttribute"/>; empty when it is not there.</summary>
    public abstract string AnchorOf(SearchResultEntry entry);

    /// <summary>The anchor of the entry at <paramref name="dn"/>, read from the directory.</summary>
    public string ReadAnchor(string dn)
    {
        var response = (SearchResponse)Ldap.Send(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, AnchorAttribute));
        return response.Entries.Count > 0 ? AnchorOf(response.Entries[0]) : "";
    }

    /// <summary>
    /// Adds the entry and returns its anchor: from the add's own response when the directory offers the post-read
    /// control (RFC 4527; OpenLDAP does), else read back with a second request (AD and Samba do not offer it).
    /// </summary>
    public string AddReadingAnchor(AddRequest add)
    {
        ArgumentNullException.ThrowIfNull(add);
        var postRead = RootDse.Controls.Contains(PostReadControl.Oid);
        if (postRead)
        {
            add.Controls.Add(PostReadControl.Create(AnchorAttribute));
        }

        var response = Ldap.Send(add);
        return postRead && PostReadControl.FirstValue(response, AnchorAttribute) is { } value ? AnchorFromValue(value) : ReadAnchor(add.DistinguishedName);
    }

    /// <summary>The anchor in its text form from the raw value of <see cref="AnchorAttribute"/>.</summary>
    protected abstract string AnchorFromValue(byte[] value);

    /// <summary>The anchor of <paramref name="entry"/> (now at <paramref name="dn"/>: a rename keeps it), read back only if the search did not return it.</summary>
    public string AnchorOf(SearchResultEntry entry, string dn) => AnchorOf(entry) is { Length: > 0 } anchor ? anchor : ReadAnchor(dn);

    // ---- users ------------------------------------------------------------------------------------------------

    public abstract ApplyResult CreateUser(UserUpsert user);

    /// <summary>
    /// Creates the user with its first password in the add itself (enabled unless <paramref name="suspended"/>) when
    /// the directory takes one there; null when it does not, or refused that add (the caller then creates the user
    /// without, and the password set that follows writes the password alone and reports any refusal).
    /// </summary>
    public virtual ApplyResult? CreateUserWithPassword(UserUpsert user, string password, bool suspended) => null;

    public abstract ApplyResult UpdateUser(UserUpsert user, SearchResultEntry existing);

    /// <summary>
    /// Whether an update keeps the entry's name (RDN/DN, username attribute, UPN, display name): the control plane says
    /// the user was imported from this directory and the entry is the one with the anchor it sent.
    /// </summary>
    protected bool KeepsName(UserUpsert user, SearchResultEntry existing) =>
        user.KeepName && user.Anchor.Length > 0 && string.Equals(AnchorOf(existing), user.Anchor, StringComparison.OrdinalIgnoreCase);

    /// <summary>Makes the account unusable without deleting it (user_disconnection_action disable).</summary>
    public abstract void DisableAccount(SearchResultEntry user);

    /// <summary>Whether the account already has a password (a reconcile's password set leaves such an account alone).</summary>
    public abstract bool HasPassword(SearchResultEntry user);

    /// <param name="suspended">The user's desired state when the password was set.</param>
    public abstract void WritePassword(SearchResultEntry user, string password, bool suspended);

    // ---- groups -----------------------------------------------------------------------------------------------

    public abstract AddRequest NewGroup(string dn, string name);

    /// <summary>Renames a group in place; returns its new DN.</summary>
    public virtual string RenameGroup(string dn, string name)
    {
        var rdn = $"CN={Shared.Dn.LdapEscape.DnValue(name)}";
        var parent = DnText.ParentOf(dn);
        Ldap.Send(new ModifyDNRequest(dn, parent, rdn) { DeleteOldRdn = true });
        return $"{rdn},{parent}";
    }

    /// <summary>The attribute asked for when reading a group's members (AD may ask for a range of them).</summary>
    public virtual string MemberRequest => "member";

    /// <summary>Every member of a group entry that was read with <see cref="MemberRequest"/>.</summary>
    public virtual List<string> MembersOf(SearchResultEntry group) => [.. group.AllValues("member")];

    /// <summary>Adds and removes members in one modification, adds first; <paramref name="current"/> is the group's member list.</summary>
    public virtual void SetMembers(string groupDn, IReadOnlySet<string> current, List<string> toAdd, List<string> toRemove)
    {
        var modify = new ModifyRequest(groupDn);
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
            Ldap.Send(modify);
        }
    }

    /// <summary>Removes members, tolerating "not there"; the OpenLDAP dialect keeps a groupOfNames from going empty.</summary>
    public virtual void RemoveMembers(string groupDn, IReadOnlyCollection<string> memberDns)
    {
        try
        {
            Ldap.Send(new ModifyRequest(groupDn, DirectoryAttributeOperation.Delete, "member", [.. memberDns]));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchAttribute or ResultCode.UnwillingToPerform)
        {
        }
    }

    // ---- values -----------------------------------------------------------------------------------------------

    protected static string DisplayName(UserUpsert user)
    {
        var name = $"{user.Firstname} {user.Lastname}".Trim();
        return name.Length == 0 ? user.Username : name;
    }

    protected static void AddOptional(AddRequest add, string attribute, string value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            add.Attributes.Add(new DirectoryAttribute(attribute, value));
        }
    }

    /// <summary>Adds a replace of <paramref name="attribute"/> to <paramref name="modify"/> only if the entry differs (empty = absent).</summary>
    protected static void SetIfDifferent(ModifyRequest modify, SearchResultEntry entry, string attribute, string value)
    {
        var current = entry.FirstValue(attribute) ?? "";
        if (string.Equals(current, value, StringComparison.Ordinal))
        {
            return;
        }

        var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Replace };
        if (!string.IsNullOrEmpty(value))
        {
            modification.Add(value);
        }

        modify.Modifications.Add(modification);
    }
}
