using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Sync;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Writes desired state into AD / Samba AD or OpenLDAP: the <see cref="DirectoryDialect"/> says how that directory
/// names and writes things, <see cref="UserWriter"/> and <see cref="GroupWriter"/> do the same work for both. Every
/// operation is idempotent (create-if-missing, set-to-desired, delete-if-present); objects are found by their anchor
/// first; users are only ever searched and written inside the root user container, groups only among the sync
/// group's members (and the sync group itself); accounts with adminCount=1 are never touched.
/// </summary>
public sealed class DirectoryWriter : IChangeWriter
{
    private readonly DirectoryDialect _dialect;
    private readonly AnchorClaims _claims;
    private readonly LdapConnection _connection;
    private readonly RootDse _rootDse;
    private readonly AgentSettings _settings;
    private readonly bool _encrypted;
    private readonly PasswordOpener? _passwords;
    private readonly UserFinder _users;
    private readonly GroupGraph _groups;
    private readonly UserWriter _userWriter;
    private readonly GroupWriter _groupWriter;
    private readonly FirstPasswords _firstPasswords;

    private DirectoryWriter(LdapConnection connection, RootDse rootDse, AgentSettings settings, bool encrypted, PasswordOpener? passwords,
        DirectoryWriter? primary = null)
    {
        (_connection, _rootDse, _settings, _encrypted, _passwords) = (connection, rootDse, settings, encrypted, passwords);
        _claims = primary?._claims ?? new AnchorClaims();
        _firstPasswords = primary?._firstPasswords ?? new FirstPasswords();
        var ldap = new DirectorySearch(connection);
        var scope = DirectoryScope.From(settings);
        _dialect = DirectoryDialect.For(ldap, scope, settings, rootDse);
        var ownership = new Ownership(_dialect, _claims);
        _users = new UserFinder(ldap, _dialect, scope, primary?._users.Known);
        _groups = new GroupGraph(ldap, _dialect, scope);
        _userWriter = new UserWriter(ldap, _dialect, scope, settings, _users, _groups, ownership, encrypted, passwords, _firstPasswords);
        _groupWriter = new GroupWriter(ldap, _dialect, scope, settings, _users, _groups, ownership);
    }

    /// <summary>The writer for the directory the RootDSE describes.</summary>
    public static DirectoryWriter Create(LdapConnection connection, RootDse rootDse, AgentSettings settings, bool encrypted, PasswordOpener? passwords) =>
        new(connection, rootDse, settings, encrypted, passwords);

    public DirectoryFlavor Flavor => _dialect.Flavor;

    /// <summary>
    /// A writer on another connection to the same directory that applies entries alongside this one: it shares what
    /// this writer looked ahead and which object each anchor belongs to. Only entries with a
    /// <see cref="ConcurrencyKey"/> are given to a lane. Dispose the connection after the writer's last use.
    /// </summary>
    public DirectoryWriter Lane(LdapConnection connection) => new(connection, _rootDse, _settings, _encrypted, _passwords, this);

    /// <summary>Whether entries may be written side by side on this directory (see <see cref="ConcurrencyKey"/>).</summary>
    public bool WritesSideBySide => Flavor == DirectoryFlavor.OpenLdap;

    /// <summary>
    /// The one thing <paramref name="change"/> writes, for entries that may be written alongside others (after
    /// <see cref="LookAhead"/>): two entries with the same key are written in order, entries with different keys touch
    /// different directory entries. Null when the entry must be written alone, after every earlier entry and before
    /// every later one: anything but a user's upsert or password; a user whose name is not plain ASCII (the directory
    /// may fold it to another one by rules this side does not repeat); a rename (its old name is another entry's key);
    /// an entry of a directory that names users by something else than the username (AD: by display name).
    /// </summary>
    public string? ConcurrencyKey(Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!WritesSideBySide)
        {
            return null;
        }

        switch (change.KindCase)
        {
            case Change.KindOneofCase.UserUpsert:
                var user = change.UserUpsert;
                var key = Fold(user.Username);
                if (key is null)
                {
                    return null;
                }

                if (!string.IsNullOrEmpty(user.Anchor))
                {
                    // Found by its anchor: renamed unless every name the entry has now is this one.
                    var names = _users.KnownNamesOf(user.Anchor);
                    if (names is null || names.Any(n => Fold(n) != key))
                    {
                        return null;
                    }
                }

                return key;
            case Change.KindOneofCase.PasswordSet:
                return Fold(change.PasswordSet.Username);
            default:
                return null;
        }
    }

    /// <summary>The username in upper case when it is plain printable ASCII (case is the only folding then); null otherwise.</summary>
    private static string? Fold(string username) =>
        username.Length > 0 && username.All(c => c is >= ' ' and <= '~') ? username.ToUpperInvariant() : null;

    public ApplyResult Apply(Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            var result = change.KindCase switch
            {
                Change.KindOneofCase.UserUpsert => _userWriter.Upsert(change.UserUpsert),
                Change.KindOneofCase.UserDisconnect => _userWriter.Disconnect(change.UserDisconnect),
                Change.KindOneofCase.PasswordSet => _userWriter.SetPassword(change.PasswordSet),
                Change.KindOneofCase.GroupUpsert => _groupWriter.Upsert(change.GroupUpsert),
                Change.KindOneofCase.GroupDisconnect => _groupWriter.Disconnect(change.GroupDisconnect),
                Change.KindOneofCase.MembershipSet => _groupWriter.SetMembership(change.MembershipSet),
                _ => ApplyResult.Skipped($"change kind {change.KindCase} is not supported by this agent version"),
            };
            if (result.Outcome == Outcome.Applied)
            {
                if (change.KindCase is Change.KindOneofCase.UserDisconnect or Change.KindOneofCase.GroupDisconnect)
                {
                    _claims.Release(change.ObjectId);
                }
                else
                {
                    _claims.Claim(result.Anchor, change.ObjectId);
                }
            }

            return result;
        }
        finally
        {
            // Whatever the outcome, the user's entry may have changed: later changes of this batch look it up again.
            if (change.Username is { Length: > 0 } username)
            {
                _users.Forget(username, change.Anchor);
            }
        }
    }

    /// <summary>
    /// Looks up every user a batch of changes concerns with a few searches (many usernames and anchors per filter)
    /// instead of one search per change, and records which object each anchor the control plane sent belongs to.
    /// What was learnt for the previous batch is dropped first, so nothing is older than the batch being applied.
    /// </summary>
    public void LookAhead(IEnumerable<Change> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var anchors = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in changes)
        {
            if (change.HasAnchor)
            {
                // What the control plane recorded: this anchor is that object's entry.
                _claims.Claim(change.Anchor, change.ObjectId);
            }

            if (!string.IsNullOrWhiteSpace(change.Username))
            {
                names.Add(change.Username);
            }

            if (change.KindCase == Change.KindOneofCase.UserUpsert && !string.IsNullOrEmpty(change.Anchor))
            {
                anchors.Add(change.Anchor);
            }
        }

        _users.LookAhead(names, anchors);
        if (Flavor == DirectoryFlavor.ActiveDirectory)
        {
            // AD takes a new user's first password in its add: a bind's upsert and password set become one add.
            _firstPasswords.Plan(changes as IReadOnlyList<Change> ?? [.. changes]);
        }
    }

    /// <summary>Drops what <see cref="LookAhead"/> learnt (after a batch: nothing is kept between batches).</summary>
    public void ForgetLookAhead()
    {
        _users.ForgetLookAhead();
        _firstPasswords.Forget();
    }

    /// <summary>
    /// What a reconcile compares before and after applying <paramref name="change"/>: the managed entry's DN and the
    /// attributes the agent writes (null when the entry is missing). Equal fingerprints mean the object was in sync.
    /// </summary>
    public string? Fingerprint(Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        switch (change.KindCase)
        {
            case Change.KindOneofCase.UserUpsert:
                var user = _users.Find(change.UserUpsert.Anchor, change.UserUpsert.Username);
                return user is null ? null : Describe(user, _dialect.UserAttributes.Where(a => a != "pwdLastSet" && a != _dialect.AnchorAttribute));
            case Change.KindOneofCase.GroupUpsert:
                var (group, _) = _groups.FindGroup(change.GroupUpsert.Anchor, change.GroupUpsert.Name);
                return group is null ? null : $"{Describe(group, ["cn"])}|nested={_groups.ManagedGroupDns().Contains(group.DistinguishedName)}";
            case Change.KindOneofCase.MembershipSet:
                var (members, _) = _groups.FindGroup("", change.MembershipSet.GroupName);
                return members is null
                    ? null
                    : $"{members.DistinguishedName.ToUpperInvariant()}|member={string.Join(",", _dialect.MembersOf(members).Order(StringComparer.OrdinalIgnoreCase))}";
            default:
                return null;
        }
    }

    private static string Describe(SearchResultEntry entry, IEnumerable<string> attributes) =>
        entry.DistinguishedName.ToUpperInvariant() + "|" + string.Join("|", attributes.Order(StringComparer.OrdinalIgnoreCase).Select(a =>
            $"{a}={string.Join(",", entry.Attributes[a] is { Count: > 0 } v ? v.GetValues(typeof(string)).Cast<string>().Order(StringComparer.OrdinalIgnoreCase) : [])}"));
}
