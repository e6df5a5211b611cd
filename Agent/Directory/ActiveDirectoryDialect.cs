using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// The AD / Samba AD dialect: <c>user</c> objects named by display name, disabled (514) until they have a password,
/// <c>unicodePwd</c> over TLS only, <c>lockoutTime</c> for unlocking, global security groups.
/// </summary>
internal sealed class ActiveDirectoryDialect(DirectorySearch ldap, DirectoryScope scope, AgentSettings settings, RootDse rootDse)
    : DirectoryDialect(ldap, scope, settings, rootDse)
{
    private const int UacNormalAccount = 0x200;
    private const int UacDisabled = 0x2;
    private const string GlobalSecurityGroupType = "-2147483646";

    public override DirectoryFlavor Flavor => DirectoryFlavor.ActiveDirectory;

    protected override string AnchorFromValue(byte[] value) => value.Length == 16 ? new Guid(value).ToString() : "";

    /// <summary>
    /// Values of <c>member</c> asked for per read; null (the default) leaves it to the DC, which returns at most its
    /// MaxValRange (1500 on Windows) and names the rest as ranges. A smaller size (the agent setting
    /// <see cref="AgentSettings.AdMemberRange"/>) asks for ranges from the first read on (Samba returns every value
    /// unless a range is asked for).
    /// </summary>
    private int? MemberRangeSize => Settings.AdMemberRange is > 0 and var size ? size : null;

    public override string MemberRequest => MemberRangeSize is { } size ? ValueRange.Request("member", 0, size) : "member";

    /// <summary>Reads the members of a big group range by range until the DC says the last range was returned.</summary>
    public override List<string> MembersOf(SearchResultEntry group)
    {
        var members = new List<string>(group.AllValues("member"));
        var entry = group;
        var range = RangeOf(entry);
        while (range is { } current)
        {
            members.AddRange(entry.AllValues(current.AttributeName));
            if (current.IsLast || Ldap.One(group.DistinguishedName, SearchScope.Base, "(objectClass=*)", current.Next("member", MemberRangeSize)) is not { } next)
            {
                break;
            }

            entry = next;
            range = RangeOf(entry);
            // A range that does not move on (never seen from a DC) ends the read rather than looping.
            if (range is { } following && following.Start != current.End + 1)
            {
                break;
            }
        }

        return members;
    }

    private static ValueRange? RangeOf(SearchResultEntry entry) => ValueRange.Find(entry.Attributes.AttributeNames.Cast<string>(), "member");

    public override string UserFilter => "(objectCategory=person)(objectClass=user)";

    public override string UsernameAttribute => "sAMAccountName";

    public override string GroupClass => "group";

    public override string AnchorAttribute => "objectGUID";

    public override string[] UserAttributes { get; } =
    [
        "sAMAccountName", "userPrincipalName", "cn", "givenName", "sn", "displayName", "mail",
        "userAccountControl", "pwdLastSet", "lockoutTime", "adminCount", "objectGUID",
    ];

    public override ApplyResult CreateUser(UserUpsert user)
    {
        var anchor = AddUser(user, dn => NewUser(dn, user, Uac(UacNormalAccount | UacDisabled)));

        // Enabled once its password is set: the control plane sends the user's password right after this entry when
        // it has one; until then the status says what the administrator must do.
        return ApplyResult.Applied(anchor, user.Suspended ? "" : UserWriter.PasswordPendingNote);
    }

    /// <summary>
    /// One add with the first password (<c>unicodePwd</c>, over TLS only: the writer checks) and the account enabled
    /// unless suspended, where a password set after the add takes a modify of both. A refusal other than a name taken
    /// (the DC's password policy, say) returns null: the caller adds the user disabled, as without a password, and the
    /// password set that follows writes it alone and reports the DC's code and text.
    /// </summary>
    public override ApplyResult? CreateUserWithPassword(UserUpsert user, string password, bool suspended)
    {
        var value = Encoding.Unicode.GetBytes($"\"{password}\"");
        try
        {
            var anchor = AddUser(user, dn =>
            {
                var add = NewUser(dn, user, Uac(suspended ? UacNormalAccount | UacDisabled : UacNormalAccount));
                add.Attributes.Add(new DirectoryAttribute("unicodePwd", value));
                return add;
            });
            return ApplyResult.Applied(anchor);
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is not (ResultCode.EntryAlreadyExists or ResultCode.Busy or ResultCode.Unavailable))
        {
            return null;
        }
        finally
        {
            Array.Clear(value);
        }
    }

    /// <summary>Adds the user named by its display name, or by display name and username when another entry has that name; returns its anchor.</summary>
    private string AddUser(UserUpsert user, Func<string, AddRequest> build)
    {
        var displayName = DisplayName(user);
        try
        {
            return AddReadingAnchor(build($"CN={LdapEscape.DnValue(displayName)},{Scope.RootDn}"));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
        {
            // Another account already has this common name: keep both apart by the unique username.
            return AddReadingAnchor(build($"CN={LdapEscape.DnValue($"{displayName} ({user.Username})")},{Scope.RootDn}"));
        }
    }

    private AddRequest NewUser(string dn, UserUpsert user, string uac)
    {
        // Created disabled whatever the JumpCloud state unless its password is in the same add: an account is
        // enabled only once its password has been set.
        var add = new AddRequest(dn,
            new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "user"),
            new DirectoryAttribute("sAMAccountName", user.Username),
            new DirectoryAttribute("userPrincipalName", Upn(user)),
            new DirectoryAttribute("displayName", DisplayName(user)),
            new DirectoryAttribute("userAccountControl", uac));
        AddOptional(add, "givenName", user.Firstname);
        AddOptional(add, "sn", user.Lastname);
        AddOptional(add, "mail", user.Email);
        return add;
    }

    public override ApplyResult UpdateUser(UserUpsert user, SearchResultEntry existing)
    {
        var dn = existing.DistinguishedName;
        var displayName = DisplayName(user);
        var keepName = KeepsName(user, existing);
        if (!keepName && !string.Equals(existing.FirstValue("cn"), displayName, StringComparison.Ordinal))
        {
            dn = Rename(dn, displayName, user.Username);
        }

        var modify = new ModifyRequest(dn);
        if (!keepName)
        {
            SetIfDifferent(modify, existing, "sAMAccountName", user.Username);
            SetIfDifferent(modify, existing, "userPrincipalName", Upn(user));
            SetIfDifferent(modify, existing, "displayName", displayName);
        }

        SetIfDifferent(modify, existing, "givenName", user.Firstname);
        SetIfDifferent(modify, existing, "sn", user.Lastname);
        SetIfDifferent(modify, existing, "mail", user.Email);

        var uac = (int)existing.LongValue("userAccountControl");
        var hasPassword = existing.LongValue("pwdLastSet") != 0;
        var wantedUac = user.Suspended ? uac | UacDisabled
            : hasPassword ? uac & ~UacDisabled
            : uac; // no password yet: stays disabled until one is set
        if (wantedUac != uac)
        {
            modify.Modifications.Add(Replace("userAccountControl", Uac(wantedUac)));
        }

        // SyncAccountLockedOutStatus true: only an explicit unlock in JumpCloud unlocks; false: any update does.
        var unlock = Settings.SyncAccountLockedOutStatus ? user.ExplicitUnlock : true;
        if (unlock && existing.LongValue("lockoutTime") != 0)
        {
            modify.Modifications.Add(Replace("lockoutTime", "0"));
        }

        if (modify.Modifications.Count > 0)
        {
            Ldap.Send(modify);
        }

        return ApplyResult.Applied(AnchorOf(existing, dn), hasPassword || user.Suspended ? "" : UserWriter.PasswordPendingNote);
    }

    public override bool HasPassword(SearchResultEntry user) => user.LongValue("pwdLastSet") != 0;

    private string Rename(string dn, string displayName, string username)
    {
        var parent = DnText.ParentOf(dn);
        var rdn = $"CN={LdapEscape.DnValue(displayName)}";
        try
        {
            Ldap.Send(new ModifyDNRequest(dn, parent, rdn) { DeleteOldRdn = true });
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
        {
            rdn = $"CN={LdapEscape.DnValue($"{displayName} ({username})")}";
            if (DnText.Same($"{rdn},{parent}", dn))
            {
                return dn;
            }

            Ldap.Send(new ModifyDNRequest(dn, parent, rdn) { DeleteOldRdn = true });
        }

        return $"{rdn},{parent}";
    }

    public override void DisableAccount(SearchResultEntry user)
    {
        var uac = (int)user.LongValue("userAccountControl");
        if ((uac & UacDisabled) == 0)
        {
            Ldap.Send(new ModifyRequest(user.DistinguishedName, Replace("userAccountControl", Uac(uac | UacDisabled))));
        }
    }

    public override void WritePassword(SearchResultEntry user, string password, bool suspended)
    {
        var value = Encoding.Unicode.GetBytes($"\"{password}\"");
        try
        {
            var modify = new ModifyRequest(user.DistinguishedName);
            modify.Modifications.Add(new DirectoryAttributeModification { Name = "unicodePwd", Operation = DirectoryAttributeOperation.Replace }.WithBytes(value));

            // A first password completes an account created disabled for the lack of one, unless JumpCloud suspends
            // it: enabled in the same modify, which the DC applies whole or not at all (a refused password leaves
            // the account disabled).
            var uac = (int)user.LongValue("userAccountControl");
            var firstPassword = user.LongValue("pwdLastSet") == 0;
            if (firstPassword && !suspended && (uac & UacDisabled) != 0)
            {
                modify.Modifications.Add(Replace("userAccountControl", Uac(uac & ~UacDisabled)));
            }

            Ldap.Send(modify);
        }
        finally
        {
            Array.Clear(value);
        }
    }

    public override AddRequest NewGroup(string dn, string name) => new(dn,
        new DirectoryAttribute("objectClass", "top", "group"),
        new DirectoryAttribute("sAMAccountName", name),
        new DirectoryAttribute("groupType", GlobalSecurityGroupType));

    public override string RenameGroup(string dn, string name)
    {
        var renamed = base.RenameGroup(dn, name);
        Ldap.Send(new ModifyRequest(renamed, Replace("sAMAccountName", name)));
        return renamed;
    }

    public override string AnchorFilter(string anchor) =>
        Guid.TryParse(anchor, out var guid)
            ? $"(objectGUID={StartupChecks.EscapeBinary(guid.ToByteArray())})"
            : "(objectGUID=\\00)";

    public override string AnchorOf(SearchResultEntry entry) =>
        entry.AllBinaryValues("objectGUID").FirstOrDefault() is { Length: 16 } bytes ? new Guid(bytes).ToString() : "";

    private string Upn(UserUpsert user) => $"{user.Username}@{Scope.DnsDomain}";

    private static string Uac(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static DirectoryAttributeModification Replace(string attribute, string value)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Replace };
        modification.Add(value);
        return modification;
    }
}
