using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Sync;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Writes desired state into AD / Samba AD (<see cref="ActiveDirectoryWriter"/>) or OpenLDAP (<see cref="OpenLdapWriter"/>).
/// Every operation is idempotent (create-if-missing, set-to-desired, delete-if-present); objects are found by their
/// anchor first; users are only ever searched and written inside the root user container, groups only among the
/// sync group's members (and the sync group itself); accounts with adminCount=1 are never touched.
/// </summary>
public abstract class DirectoryWriter : IChangeWriter
{
    /// <summary>Usernames and anchors asked for in one search: a few kilobytes of filter, well under any size limit.</summary>
    private const int LookupChunk = 200;

    private readonly KnownEntries<SearchResultEntry> _users;
    private readonly AnchorClaims _claims = new();

    protected DirectoryWriter(LdapConnection connection, AgentSettings settings, RootDse rootDse, bool encrypted, PasswordOpener? passwords)
    {
        Connection = connection;
        Settings = settings;
        RootDse = rootDse;
        Encrypted = encrypted;
        Passwords = passwords;
        var root = SemicolonDn.Parse(settings.RootUserDn);
        RootDn = root.ToLdapDn();
        DnsDomain = root.DnsDomain();
        SyncGroupDn = SemicolonDn.Parse(settings.SyncGroupDn).ToLdapDn();
        GroupContainerDn = DnText.ParentOf(SyncGroupDn);
        _users = NewKnownEntries();
    }

    public abstract DirectoryFlavor Flavor { get; }

    public string RootDn { get; }

    protected LdapConnection Connection { get; }
    protected AgentSettings Settings { get; }
    protected RootDse RootDse { get; }
    protected bool Encrypted { get; }
    protected PasswordOpener? Passwords { get; }
    protected string DnsDomain { get; }
    protected string SyncGroupDn { get; }
    protected string GroupContainerDn { get; }

    /// <summary>Object class of the users this flavour creates and finds.</summary>
    protected abstract string UserFilter { get; }

    protected abstract string UsernameAttribute { get; }

    protected abstract string GroupClass { get; }

    protected abstract string AnchorAttribute { get; }

    /// <summary>Attributes read with every user search.</summary>
    protected abstract string[] UserAttributes { get; }

    /// <summary>Reads the RootDSE and picks the writer for the directory's flavour.</summary>
    public static DirectoryWriter Create(LdapConnection connection, AgentSettings settings, bool encrypted, PasswordOpener? passwords) =>
        Create(connection, RootDse.Read(connection), settings, encrypted, passwords);

    public static DirectoryWriter Create(LdapConnection connection, RootDse rootDse, AgentSettings settings, bool encrypted, PasswordOpener? passwords)
    {
        return rootDse.Flavor == DirectoryFlavor.ActiveDirectory
            ? new ActiveDirectoryWriter(connection, settings, rootDse, encrypted, passwords)
            : new OpenLdapWriter(connection, settings, rootDse, encrypted, passwords);
    }

    /// <summary>Which object each known entry belongs to (see <see cref="AnchorClaims"/>).</summary>
    public AnchorClaims Claims => _claims;

    public ApplyResult Apply(Change change)
    {
        try
        {
            var result = change.KindCase switch
            {
                Change.KindOneofCase.UserUpsert => UpsertUser(change.UserUpsert),
                Change.KindOneofCase.UserDisconnect => DisconnectUser(change.UserDisconnect),
                Change.KindOneofCase.PasswordSet => SetPassword(change.PasswordSet),
                Change.KindOneofCase.GroupUpsert => UpsertGroup(change.GroupUpsert),
                Change.KindOneofCase.GroupDisconnect => DisconnectGroup(change.GroupDisconnect),
                Change.KindOneofCase.MembershipSet => SetMembership(change.MembershipSet),
                _ => ApplyResult.Skipped($"change kind {change.KindCase} is not supported by this agent version"),
            };
            if (result.Outcome == Outcome.Applied)
            {
                switch (change.KindCase)
                {
                    case Change.KindOneofCase.UserDisconnect:
                        _claims.Release(change.UserDisconnect.UserId);
                        break;
                    case Change.KindOneofCase.GroupDisconnect:
                        _claims.Release(change.GroupDisconnect.GroupId);
                        break;
                    default:
                        _claims.Claim(result.Anchor, change.ObjectId);
                        break;
                }
            }

            return result;
        }
        finally
        {
            // Whatever the outcome, the user's entry may have changed: later changes of this batch look it up again.
            switch (change.KindCase)
            {
                case Change.KindOneofCase.UserUpsert:
                    _users.Forget(change.UserUpsert.Username, change.UserUpsert.Anchor);
                    break;
                case Change.KindOneofCase.UserDisconnect:
                    _users.Forget(change.UserDisconnect.Username, "");
                    break;
                case Change.KindOneofCase.PasswordSet:
                    _users.Forget(change.PasswordSet.Username, "");
                    break;
            }
        }
    }

    /// <summary>
    /// Looks up every user a batch of changes concerns with a few searches (many usernames and anchors per filter)
    /// instead of one search per change; <see cref="FindUser"/> answers from it until a write touches the user. What
    /// was learnt for the previous batch is dropped first, so nothing is older than the batch being applied.
    /// </summary>
    public void LookAhead(IEnumerable<Change> changes)
    {
        _users.Clear();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var anchors = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in changes)
        {
            // What the control plane recorded: this anchor is that object's entry.
            switch (change.KindCase)
            {
                case Change.KindOneofCase.UserUpsert:
                    _claims.Claim(change.UserUpsert.Anchor, change.UserUpsert.UserId);
                    break;
                case Change.KindOneofCase.GroupUpsert:
                    _claims.Claim(change.GroupUpsert.Anchor, change.GroupUpsert.GroupId);
                    break;
            }

            var (name, anchor) = change.KindCase switch
            {
                Change.KindOneofCase.UserUpsert => (change.UserUpsert.Username, change.UserUpsert.Anchor),
                Change.KindOneofCase.UserDisconnect => (change.UserDisconnect.Username, ""),
                Change.KindOneofCase.PasswordSet => (change.PasswordSet.Username, ""),
                _ => ("", ""),
            };
            if (!string.IsNullOrWhiteSpace(name))
            {
                names.Add(name);
            }

            if (!string.IsNullOrEmpty(anchor))
            {
                anchors.Add(anchor);
            }
        }

        LookUp(_users, names, anchors, UserAttributes);
    }

    /// <summary>Drops what <see cref="LookAhead"/> learnt (after a batch: nothing is kept between batches).</summary>
    public void ForgetLookAhead() => _users.Clear();

    private KnownEntries<SearchResultEntry> NewKnownEntries() =>
        new(e => e.DistinguishedName, e => e.AllValues(UsernameAttribute), AnchorOf);

    /// <summary>Searches the root user container for many usernames and anchors at once and records the answers.</summary>
    private void LookUp(KnownEntries<SearchResultEntry> into, IReadOnlyCollection<string> names, IReadOnlyCollection<string> anchors, string[] attributes)
    {
        var keys = names.Select(n => (Anchor: false, Key: n)).Concat(anchors.Select(a => (Anchor: true, Key: a))).ToList();
        foreach (var chunk in keys.Chunk(LookupChunk))
        {
            var terms = string.Concat(chunk.Select(k => k.Anchor ? AnchorFilter(k.Key) : $"({UsernameAttribute}={LdapEscape.FilterValue(k.Key)})"));
            try
            {
                var response = (SearchResponse)Connection.SendRequest(new SearchRequest(RootDn, $"(&{UserFilter}(|{terms}))", SearchScope.Subtree, attributes));
                into.Record([.. chunk.Where(k => !k.Anchor).Select(k => k.Key)], [.. chunk.Where(k => k.Anchor).Select(k => k.Key)],
                    [.. response.Entries.Cast<SearchResultEntry>()]);
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is not (ResultCode.Busy or ResultCode.Unavailable))
            {
                // A refusal of the combined search (a size or filter limit) only costs speed: each user is searched alone.
            }
        }
    }

    // ---- users ------------------------------------------------------------------------------------------------

    private ApplyResult UpsertUser(UserUpsert user)
    {
        if (string.IsNullOrWhiteSpace(user.Username))
        {
            return ApplyResult.Failed((int)ResultCode.ConstraintViolation, "the user has no username");
        }

        var existing = FindUser(user.Anchor, user.Username);
        if (existing is not null && IsProtected(existing))
        {
            return Protected(existing);
        }

        if (existing is not null)
        {
            return OwnedByAnother(existing, user.UserId) ?? UpdateUser(user, existing);
        }

        try
        {
            return CreateUser(user);
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
        {
            // Created since it was looked up (by someone else, or the look-ahead is older): take that account over.
            _users.Forget(user.Username, user.Anchor);
            existing = FindUser(user.Anchor, user.Username);
            if (existing is null)
            {
                throw;
            }

            return IsProtected(existing) ? Protected(existing) : OwnedByAnother(existing, user.UserId) ?? UpdateUser(user, existing);
        }
    }

    protected abstract ApplyResult CreateUser(UserUpsert user);

    protected abstract ApplyResult UpdateUser(UserUpsert user, SearchResultEntry existing);

    private ApplyResult DisconnectUser(UserDisconnect user)
    {
        var existing = FindUser("", user.Username);
        if (existing is null)
        {
            return ApplyResult.Applied(note: $"no account '{user.Username}' in {RootDn}; nothing to do");
        }

        if (IsProtected(existing))
        {
            return Protected(existing);
        }

        if (OwnedByAnother(existing, user.UserId) is { } refused)
        {
            return refused;
        }

        var dn = existing.DistinguishedName;
        if (Settings.MembershipDisconnectionAction == "remove" || Settings.UserDisconnectionAction == "remove")
        {
            // Leave every group of ours before going (groupOfNames must never be left without a member).
            foreach (var group in ManagedGroupsOf(dn, includeSyncGroup: true))
            {
                RemoveMembers(group.DistinguishedName, [dn]);
            }
        }

        switch (Settings.UserDisconnectionAction)
        {
            case "remove":
                Connection.SendRequest(new DeleteRequest(dn));
                return ApplyResult.Applied();
            case "disable":
                DisableAccount(existing);
                return ApplyResult.Applied(AnchorOf(existing, dn));
            default:
                return ApplyResult.Applied(AnchorOf(existing, dn));
        }
    }

    /// <summary>Makes the account unusable without deleting it (user_disconnection_action disable).</summary>
    protected abstract void DisableAccount(SearchResultEntry user);

    private ApplyResult SetPassword(PasswordSet change)
    {
        if (!Encrypted)
        {
            return ApplyResult.Failed((int)ResultCode.ConfidentialityRequired,
                "passwords are only written over an encrypted connection, and this agent fell back to plain LDAP");
        }

        var existing = FindUser("", change.Username);
        if (existing is null)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"no account '{change.Username}' in {RootDn} to set the password of");
        }

        if (IsProtected(existing))
        {
            return Protected(existing);
        }

        if (OwnedByAnother(existing, change.UserId) is { } refused)
        {
            return refused;
        }

        if (change.OnlyIfUnset && HasPassword(existing))
        {
            return ApplyResult.Applied(AnchorOf(existing, existing.DistinguishedName), PasswordKeptNote);
        }

        if (Passwords is null)
        {
            return ApplyResult.Skipped("this agent cannot open sealed passwords");
        }

        if (change.VaultVersion > 0 && (change.Password is null || change.Password.Ciphertext.IsEmpty))
        {
            return ApplyResult.Skipped("the user's password is no longer in the control plane's vault (user deleted, or seal-only mode); nothing to write");
        }

        if (!Passwords.TryOpen(change.Password, out var password, out var why))
        {
            // Erased after an earlier acknowledgement: a replay with nothing left to write. Otherwise it was never set.
            return change.Password is null || change.Password.Ciphertext.IsEmpty
                ? ApplyResult.Skipped(why)
                : ApplyResult.Failed((int)ResultCode.Other, why);
        }

        // The entry carries the user's state, so any agent (a new primary too) knows whether to enable.
        WritePassword(existing, password, change.Suspended);
        return ApplyResult.Applied(AnchorOf(existing, existing.DistinguishedName));
    }

    /// <summary>What a user upsert reports for an account that is disabled until a password is set.</summary>
    public const string PasswordPendingNote = "password pending: set a new password in JumpCloud";

    /// <summary>What a reconcile's password set reports for an account that already has a password (left as it is).</summary>
    public const string PasswordKeptNote = "password kept: the account has one";

    /// <summary>Whether the account already has a password (a reconcile's password set leaves such an account alone).</summary>
    protected abstract bool HasPassword(SearchResultEntry user);

    /// <param name="suspended">The user's desired state when the password was set.</param>
    protected abstract void WritePassword(SearchResultEntry user, string password, bool suspended);

    /// <summary>
    /// What a reconcile compares before and after applying <paramref name="change"/>: the managed entry's DN and the
    /// attributes the agent writes (null when the entry is missing). Equal fingerprints mean the object was in sync.
    /// </summary>
    public string? Fingerprint(Change change)
    {
        switch (change.KindCase)
        {
            case Change.KindOneofCase.UserUpsert:
                var user = FindUser(change.UserUpsert.Anchor, change.UserUpsert.Username);
                return user is null ? null : Describe(user, UserAttributes.Where(a => a != "pwdLastSet" && a != AnchorAttribute));
            case Change.KindOneofCase.GroupUpsert:
                var (group, _) = FindGroup(change.GroupUpsert.Anchor, change.GroupUpsert.Name);
                return group is null ? null : $"{Describe(group, ["cn"])}|nested={ManagedGroupDns().Contains(group.DistinguishedName)}";
            case Change.KindOneofCase.MembershipSet:
                var (members, _) = FindGroup("", change.MembershipSet.GroupName);
                return members is null
                    ? null
                    : $"{members.DistinguishedName.ToUpperInvariant()}|member={string.Join(",", MembersOf(members).Order(StringComparer.OrdinalIgnoreCase))}";
            default:
                return null;
        }
    }

    private static string Describe(SearchResultEntry entry, IEnumerable<string> attributes) =>
        entry.DistinguishedName.ToUpperInvariant() + "|" + string.Join("|", attributes.Order(StringComparer.OrdinalIgnoreCase).Select(a =>
            $"{a}={string.Join(",", entry.Attributes[a] is { Count: > 0 } v ? v.GetValues(typeof(string)).Cast<string>().Order(StringComparer.OrdinalIgnoreCase) : [])}"));

    /// <summary>Finds a user in the root user container: by anchor when known, else by username.</summary>
    protected SearchResultEntry? FindUser(string anchor, string username)
    {
        if (!string.IsNullOrEmpty(anchor))
        {
            var byAnchor = _users.TryGetByAnchor(anchor, out var known)
                ? known
                : SearchOne(RootDn, SearchScope.Subtree, $"(&{UserFilter}{AnchorFilter(anchor)})", UserAttributes);
            if (byAnchor is not null)
            {
                return byAnchor;
            }
        }

        if (string.IsNullOrEmpty(username))
        {
            return null;
        }

        return _users.TryGetByName(username, out var named)
            ? named
            : SearchOne(RootDn, SearchScope.Subtree, $"(&{UserFilter}({UsernameAttribute}={LdapEscape.FilterValue(username)}))", UserAttributes);
    }

    protected static bool IsProtected(SearchResultEntry entry) => entry.FirstValue("adminCount") == "1";

    /// <summary>
    /// A refusal when <paramref name="entry"/> is already the entry of another JumpCloud object than
    /// <paramref name="objectId"/> (found by a name the directory matches ignoring case, say): writing it would hand
    /// that object's account (its password, its memberships) to this one. Null when it is this object's or unclaimed.
    /// </summary>
    private ApplyResult? OwnedByAnother(SearchResultEntry entry, string objectId)
    {
        if (_claims.Count == 0 || string.IsNullOrEmpty(objectId))
        {
            return null;
        }

        var owner = _claims.OwnerOtherThan(AnchorOf(entry, entry.DistinguishedName), objectId);
        return owner is null
            ? null
            : ApplyResult.Failed((int)ResultCode.EntryAlreadyExists,
                $"'{entry.DistinguishedName}' is already the directory entry of another JumpCloud object ({owner}); the directory matches " +
                "names ignoring case, so this object's name is taken there: not written, rename one of them");
    }

    private static ApplyResult Protected(SearchResultEntry entry) =>
        ApplyResult.Skipped($"'{entry.DistinguishedName}' has adminCount=1; protected accounts are never touched");

    // ---- groups -----------------------------------------------------------------------------------------------

    private ApplyResult UpsertGroup(GroupUpsert group)
    {
        if (string.IsNullOrWhiteSpace(group.Name))
        {
            return ApplyResult.Failed((int)ResultCode.ConstraintViolation, "the group has no name");
        }

        var (existing, foreign) = FindGroup(group.Anchor, group.Name);
        if (foreign is not null)
        {
            return ApplyResult.Failed((int)ResultCode.EntryAlreadyExists,
                $"'{foreign.DistinguishedName}' already exists and is not a member of the sync group; it is left alone");
        }

        if (existing is not null && OwnedByAnother(existing, group.GroupId) is { } refused)
        {
            return refused;
        }

        string dn;
        if (existing is null)
        {
            dn = $"CN={LdapEscape.DnValue(group.Name)},{GroupContainerDn}";
            Connection.SendRequest(NewGroup(dn, group.Name));
        }
        else
        {
            dn = existing.DistinguishedName;
            if (!string.Equals(existing.FirstValue("cn"), group.Name, StringComparison.Ordinal))
            {
                dn = RenameGroup(dn, group.Name);
            }
        }

        // Nested in the sync group, which makes it the parent of every synced group.
        AddMember(SyncGroupDn, dn);
        return ApplyResult.Applied(ReadAnchor(dn));
    }

    protected abstract AddRequest NewGroup(string dn, string name);

    /// <summary>Renames a group in place; returns its new DN.</summary>
    protected virtual string RenameGroup(string dn, string name)
    {
        var rdn = $"CN={LdapEscape.DnValue(name)}";
        var parent = DnText.ParentOf(dn);
        Connection.SendRequest(new ModifyDNRequest(dn, parent, rdn) { DeleteOldRdn = true });
        return $"{rdn},{parent}";
    }

    private ApplyResult DisconnectGroup(GroupDisconnect group)
    {
        var (existing, _) = FindGroup("", group.Name);
        if (existing is not null && OwnedByAnother(existing, group.GroupId) is { } refused)
        {
            return refused;
        }

        if (existing is null || Settings.GroupDisconnectionAction != "remove")
        {
            return ApplyResult.Applied();
        }

        var dn = existing.DistinguishedName;
        var members = MembersOf(existing).Where(m => DnText.IsUnder(m, RootDn)).ToList();
        RemoveMembers(SyncGroupDn, [dn]);
        Connection.SendRequest(new DeleteRequest(dn));
        if (Settings.GroupMembershipSyncType == "match")
        {
            foreach (var member in members)
            {
                MatchParents(member);
            }
        }

        return ApplyResult.Applied();
    }

    private ApplyResult SetMembership(MembershipSet membership)
    {
        var (group, _) = FindGroup("", membership.GroupName);
        if (group is null)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"group '{membership.GroupName}' is not a member of the sync group {SyncGroupDn}");
        }

        if (OwnedByAnother(group, membership.GroupId) is { } refused)
        {
            return refused;
        }

        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        var protectedAccounts = new List<string>();
        // Members are looked up a chunk at a time, many per search; only what a chunk leaves unclear is searched alone.
        var members = NewKnownEntries();
        foreach (var chunk in membership.MemberUsernames.Chunk(LookupChunk))
        {
            members.Clear();
            LookUp(members, chunk, [], [UsernameAttribute, "adminCount"]);
            foreach (var username in chunk)
            {
                var user = members.TryGetByName(username, out var known) ? known : FindUser("", username);
                if (user is null)
                {
                    missing.Add(username);
                }
                else if (IsProtected(user))
                {
                    protectedAccounts.Add(username);
                }
                else
                {
                    wanted.Add(user.DistinguishedName);
                }
            }
        }

        var current = new HashSet<string>(MembersOf(group), StringComparer.OrdinalIgnoreCase);
        // Only members inside the root user container are ours to remove; anything else in the group is left alone.
        var toRemove = current.Where(m => !wanted.Contains(m) && DnText.IsUnder(m, RootDn)).ToList();
        var toAdd = wanted.Where(m => !current.Contains(m)).ToList();
        SetMembers(group.DistinguishedName, current, toAdd, toRemove);

        if (Settings.GroupMembershipSyncType == "match")
        {
            foreach (var member in toAdd.Concat(toRemove))
            {
                MatchParents(member);
            }
        }

        var anchor = ReadAnchor(group.DistinguishedName);
        if (missing.Count > 0)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"members not found in {RootDn}: {string.Join(", ", missing)}");
        }

        return protectedAccounts.Count > 0
            ? ApplyResult.Applied(anchor, $"not added (adminCount=1, never touched): {string.Join(", ", protectedAccounts)}")
            : ApplyResult.Applied(anchor);
    }

    /// <summary>Adds and removes members in one modification; <paramref name="current"/> is the group's member list.</summary>
    protected virtual void SetMembers(string groupDn, IReadOnlySet<string> current, List<string> toAdd, List<string> toRemove)
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
            Connection.SendRequest(modify);
        }
    }

    /// <summary>
    /// group_membership_sync_type match: the user is a direct member of every parent (up to the sync group) of each
    /// synced group it is in, and leaves a parent once no synced child group holds it any more.
    /// </summary>
    private void MatchParents(string userDn)
    {
        var memberOf = ManagedGroupsOf(userDn, includeSyncGroup: true).Select(g => g.DistinguishedName).ToList();
        var own = memberOf.Where(g => !DnText.Same(g, SyncGroupDn)).ToList();
        var parentsWanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in own)
        {
            parentsWanted.UnionWith(ParentsOf(group));
        }

        foreach (var parent in parentsWanted.Where(p => !memberOf.Contains(p, StringComparer.OrdinalIgnoreCase)))
        {
            AddMember(parent, userDn);
        }

        // Direct membership of the sync group exists only as a parent of the user's own groups.
        if (!parentsWanted.Contains(SyncGroupDn) && memberOf.Contains(SyncGroupDn, StringComparer.OrdinalIgnoreCase))
        {
            RemoveMembers(SyncGroupDn, [userDn]);
        }
    }

    /// <summary>The synced groups above <paramref name="groupDn"/> up to and including the sync group (never beyond it).</summary>
    private HashSet<string> ParentsOf(string groupDn)
    {
        var parents = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>([groupDn]);
        while (queue.Count > 0)
        {
            var dn = queue.Dequeue();
            if (DnText.Same(dn, SyncGroupDn))
            {
                continue;
            }

            foreach (var parent in ManagedGroupsOf(dn, includeSyncGroup: true))
            {
                if (parents.Add(parent.DistinguishedName))
                {
                    queue.Enqueue(parent.DistinguishedName);
                }
            }
        }

        return parents;
    }

    /// <summary>Synced groups (members of the sync group) that hold <paramref name="memberDn"/> directly.</summary>
    private IEnumerable<SearchResultEntry> ManagedGroupsOf(string memberDn, bool includeSyncGroup)
    {
        var managed = ManagedGroupDns();
        return GroupsContaining(memberDn, includeSyncGroup).Where(g => managed.Contains(g.DistinguishedName) || DnText.Same(g.DistinguishedName, SyncGroupDn));
    }

    private IEnumerable<SearchResultEntry> GroupsContaining(string memberDn, bool includeSyncGroup)
    {
        var filter = $"(&(objectClass={GroupClass})(member={LdapEscape.FilterValue(memberDn)}))";
        foreach (var entry in SearchAll(GroupContainerDn, SearchScope.OneLevel, filter, "cn"))
        {
            if (includeSyncGroup || !DnText.Same(entry.DistinguishedName, SyncGroupDn))
            {
                yield return entry;
            }
        }
    }

    private HashSet<string> ManagedGroupDns()
    {
        var sync = SearchOne(SyncGroupDn, SearchScope.Base, "(objectClass=*)", MemberRequest);
        return new HashSet<string>(sync is null ? [] : MembersOf(sync), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The attribute asked for when reading a group's members (AD may ask for a range of them).</summary>
    protected virtual string MemberRequest => "member";

    /// <summary>Every member of a group entry that was read with <see cref="MemberRequest"/>.</summary>
    protected virtual List<string> MembersOf(SearchResultEntry group) => [.. group.AllValues("member")];

    /// <summary>
    /// Finds a synced group: by anchor when known, else by name among the sync group's members. A group of that name
    /// beside the sync group that is not its member is returned as <c>Foreign</c>: it is not ours.
    /// </summary>
    protected (SearchResultEntry? Managed, SearchResultEntry? Foreign) FindGroup(string anchor, string name)
    {
        if (!string.IsNullOrEmpty(anchor))
        {
            var byAnchor = SearchOne(GroupContainerDn, SearchScope.OneLevel, $"(&(objectClass={GroupClass}){AnchorFilter(anchor)})", "cn", MemberRequest, AnchorAttribute);
            if (byAnchor is not null && !DnText.Same(byAnchor.DistinguishedName, SyncGroupDn))
            {
                return (byAnchor, null);
            }
        }

        var byName = SearchOne(GroupContainerDn, SearchScope.OneLevel, $"(&(objectClass={GroupClass})(cn={LdapEscape.FilterValue(name)}))", "cn", MemberRequest, AnchorAttribute);
        if (byName is null)
        {
            return (null, null);
        }

        return !DnText.Same(byName.DistinguishedName, SyncGroupDn) && ManagedGroupDns().Contains(byName.DistinguishedName)
            ? (byName, null)
            : (null, byName);
    }

    protected void AddMember(string groupDn, string memberDn)
    {
        try
        {
            Connection.SendRequest(new ModifyRequest(groupDn, DirectoryAttributeOperation.Add, "member", memberDn));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.AttributeOrValueExists or ResultCode.EntryAlreadyExists)
        {
        }
    }

    /// <summary>Removes members, tolerating "not there"; the OpenLDAP flavour keeps a groupOfNames from going empty.</summary>
    protected virtual void RemoveMembers(string groupDn, IReadOnlyCollection<string> memberDns)
    {
        try
        {
            Connection.SendRequest(new ModifyRequest(groupDn, DirectoryAttributeOperation.Delete, "member", [.. memberDns]));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchAttribute or ResultCode.UnwillingToPerform)
        {
        }
    }

    // ---- searching --------------------------------------------------------------------------------------------

    protected SearchResultEntry? SearchOne(string baseDn, SearchScope scope, string filter, params string[] attributes)
    {
        try
        {
            var response = (SearchResponse)Connection.SendRequest(new SearchRequest(baseDn, filter, scope, attributes));
            return response.Entries.Count == 0 ? null : response.Entries[0];
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return null;
        }
    }

    protected IEnumerable<SearchResultEntry> SearchAll(string baseDn, SearchScope scope, string filter, params string[] attributes)
    {
        var request = new SearchRequest(baseDn, filter, scope, attributes);
        var paging = new PageResultRequestControl(500);
        request.Controls.Add(paging);
        while (true)
        {
            var response = (SearchResponse)Connection.SendRequest(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                yield return entry;
            }

            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is null || cookie.Length == 0)
            {
                yield break;
            }

            paging.Cookie = cookie;
        }
    }

    protected abstract string AnchorFilter(string anchor);

    protected abstract string ReadAnchor(string dn);

    /// <summary>The anchor in a search result that asked for <see cref="AnchorAttribute"/>; empty when it is not there.</summary>
    protected abstract string AnchorOf(SearchResultEntry entry);

    /// <summary>The anchor of <paramref name="entry"/> (now at <paramref name="dn"/>: a rename keeps it), read back only if the search did not return it.</summary>
    protected string AnchorOf(SearchResultEntry entry, string dn) => AnchorOf(entry) is { Length: > 0 } anchor ? anchor : ReadAnchor(dn);

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
