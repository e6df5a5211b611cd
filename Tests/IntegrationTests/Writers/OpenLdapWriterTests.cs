using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Sync;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;

namespace JumpCloudAdi.IntegrationTests.Writers;

/// <summary>
/// The directory writer on its own against a real slapd (LDAPS, the agent's own connector and RootDSE detection), no
/// control plane and no agent process: entries in, entries read back with ldapsearch.
/// </summary>
public sealed class OpenLdapWriterTests(SlapdServer slapd) : IClassFixture<SlapdServer>, IDisposable
{
    private const string People = "ou=People,dc=example,dc=com";
    private const string SyncGroup = "cn=JumpCloud Groups,ou=Groups,dc=example,dc=com";
    private readonly TempDirectory _state = new();
    private readonly List<LdapConnection> _connections = [];

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        _state.Dispose();
    }

    private DirectoryWriter Open(Action<AgentSettings>? configure = null, PasswordOpener? passwords = null, SlapdServer? server = null)
    {
        var directory = server ?? slapd;
        var settings = new AgentSettings
        {
            ControlPlaneUrl = "https://control-plane.invalid",
            LdapUrl = directory.LdapsUrl,
            LdapCaPem = File.ReadAllText(directory.CaPath),
            BindUser = directory.BindUser,
            BindPassword = directory.BindPassword,
            RootUserDn = directory.RootUserDn,
            SyncGroupDn = directory.SyncGroupDn,
        };
        configure?.Invoke(settings);
        var connector = new LdapConnector(settings, _state.Path);
        var ldap = connector.Connect();
        _connections.Add(ldap);
        return DirectoryWriter.Create(ldap, RootDse.Read(ldap), settings, connector.Encrypted, passwords);
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];

    private static Change User(string id, string username, string first = "Ada", string last = "Lovelace", bool suspended = false, string anchor = "") =>
        new() { UserUpsert = new UserUpsert { UserId = id, Username = username, Firstname = first, Lastname = last, Email = $"{username}@example.com", Suspended = suspended, Anchor = anchor } };

    private async Task<LdapEntry?> UserEntry(string username) =>
        (await slapd.SearchAsync(People, $"(uid={username})", "uid", "cn", "sn", "mail", "entryUUID", "pwdAccountLockedTime")).SingleOrDefault();

    private async Task<IReadOnlyList<string>> MembersOf(string groupName) =>
        (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", $"(cn={groupName})", "member")).Single().All("member");

    [Fact]
    public async Task A_user_is_created_with_its_entryUUID_as_anchor_and_renamed_in_place_by_that_anchor()
    {
        var writer = Open();
        Assert.Equal(DirectoryFlavor.OpenLdap, writer.Flavor);
        var (id, name) = ("u-" + Guid.NewGuid().ToString("N"), Unique("ada"));

        var created = writer.Apply(User(id, name));

        Assert.Equal(Outcome.Applied, created.Outcome);
        var entry = await UserEntry(name);
        Assert.NotNull(entry);
        Assert.Equal(entry.First("entryUUID"), created.Anchor);
        Assert.Equal("Ada Lovelace", entry.First("cn"));

        var renamed = Unique("countess");
        var updated = writer.Apply(User(id, renamed, last: "King", anchor: created.Anchor));

        Assert.Equal(Outcome.Applied, updated.Outcome);
        Assert.Equal(created.Anchor, updated.Anchor);
        Assert.Null(await UserEntry(name));
        var moved = await UserEntry(renamed);
        Assert.NotNull(moved);
        Assert.Equal(created.Anchor, moved.First("entryUUID"));
        Assert.Equal("King", moved.First("sn"));
    }

    [Fact]
    public async Task A_reconcile_fingerprint_is_stable_when_in_sync_and_changes_with_drift()
    {
        var writer = Open();
        var (id, name) = ("u-" + Guid.NewGuid().ToString("N"), Unique("fp"));
        var change = User(id, name);
        writer.Apply(change);

        var before = writer.Fingerprint(change);
        writer.Apply(change);
        Assert.Equal(before, writer.Fingerprint(change));

        await slapd.ModifyAsync($"dn: uid={name},{People}\nchangetype: modify\nreplace: mail\nmail: someone-else@example.com\n");
        var drifted = writer.Fingerprint(change);
        Assert.NotEqual(before, drifted);

        writer.Apply(change);
        Assert.Equal(before, writer.Fingerprint(change));
        Assert.Equal($"{name}@example.com", (await UserEntry(name))!.First("mail"));
    }

    [Fact]
    public async Task A_group_is_nested_in_the_sync_group_and_keeps_a_placeholder_member_only_while_it_has_no_real_one()
    {
        var writer = Open();
        var (groupId, group) = ("g-" + Guid.NewGuid().ToString("N"), Unique("team"));
        var users = Enumerable.Range(0, 3).Select(i => ("u-" + Guid.NewGuid().ToString("N"), Unique($"m{i}"))).ToList();
        foreach (var (id, name) in users)
        {
            Assert.Equal(Outcome.Applied, writer.Apply(User(id, name)).Outcome);
        }

        var upserted = writer.Apply(new Change { GroupUpsert = new GroupUpsert { GroupId = groupId, Name = group } });

        Assert.Equal(Outcome.Applied, upserted.Outcome);
        var groupDn = $"cn={group},ou=groups,dc=example,dc=com";
        Assert.Contains(groupDn, (await MembersOf("JumpCloud Groups")).Select(m => m.ToLowerInvariant()));
        Assert.Equal(["cn=empty-membership,ou=groups,dc=example,dc=com"], (await MembersOf(group)).Select(m => m.ToLowerInvariant()));

        Change Membership(params string[] names)
        {
            var set = new MembershipSet { GroupId = groupId, GroupName = group };
            set.MemberUsernames.Add(names);
            return new Change { MembershipSet = set };
        }

        Assert.Equal(Outcome.Applied, writer.Apply(Membership(users[0].Item2, users[1].Item2)).Outcome);
        Assert.Equal(
            new[] { users[0].Item2, users[1].Item2 }.Select(n => $"uid={n},{People}".ToLowerInvariant()).Order(),
            (await MembersOf(group)).Select(m => m.ToLowerInvariant()).Order());

        Assert.Equal(Outcome.Applied, writer.Apply(Membership(users[2].Item2)).Outcome);
        Assert.Equal([$"uid={users[2].Item2},{People}".ToLowerInvariant()], (await MembersOf(group)).Select(m => m.ToLowerInvariant()));

        Assert.Equal(Outcome.Applied, writer.Apply(Membership()).Outcome);
        Assert.Equal(["cn=empty-membership,ou=groups,dc=example,dc=com"], (await MembersOf(group)).Select(m => m.ToLowerInvariant()));

        var missing = writer.Apply(Membership("nobody-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal(Outcome.Failed, missing.Outcome);
        Assert.Equal((int)ResultCode.NoSuchObject, missing.Code);
    }

    [Fact]
    public async Task A_group_of_that_name_outside_the_sync_group_is_left_alone()
    {
        var group = Unique("foreign");
        await slapd.AddAsync($"dn: cn={group},ou=Groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: {group}\nmember: cn=nobody,dc=example,dc=com\n");

        var result = Open().Apply(new Change { GroupUpsert = new GroupUpsert { GroupId = "g-" + Guid.NewGuid().ToString("N"), Name = group } });

        Assert.Equal(Outcome.Failed, result.Outcome);
        Assert.Equal((int)ResultCode.EntryAlreadyExists, result.Code);
        Assert.DoesNotContain($"cn={group},ou=groups,dc=example,dc=com", (await MembersOf("JumpCloud Groups")).Select(m => m.ToLowerInvariant()));
    }

    [Fact]
    public async Task Suspending_and_disconnecting_with_disable_lock_the_account_and_activating_unlocks_it()
    {
        var writer = Open(s => s.UserDisconnectionAction = UserDisconnectionAction.Disable);
        var (id, name) = ("u-" + Guid.NewGuid().ToString("N"), Unique("sus"));

        writer.Apply(User(id, name, suspended: true));
        Assert.Equal(OpenLdapDialect.PermanentLock, (await UserEntry(name))!.First("pwdAccountLockedTime"));

        writer.Apply(User(id, name));
        Assert.Null((await UserEntry(name))!.First("pwdAccountLockedTime"));

        var disconnected = writer.Apply(new Change { UserDisconnect = new UserDisconnect { UserId = id, Username = name } });
        Assert.Equal(Outcome.Applied, disconnected.Outcome);
        Assert.Equal(OpenLdapDialect.PermanentLock, (await UserEntry(name))!.First("pwdAccountLockedTime"));
    }

    [Fact]
    public async Task A_sealed_password_is_opened_and_set_and_a_reconcile_keeps_a_password_that_is_there()
    {
        var (publicKey, privateKey) = SecretSealing.CreateKeyPair();
        var writer = Open(passwords: new PasswordOpener("agent-1", Convert.ToBase64String(privateKey)));
        var (id, name) = ("u-" + Guid.NewGuid().ToString("N"), Unique("pw"));
        writer.Apply(User(id, name));
        const string Password = "Correct!Horse7Battery";
        var (ciphertext, keys) = SecretSealing.Seal(System.Text.Encoding.UTF8.GetBytes(Password), [("agent-1", publicKey)]);
        var sealedSecret = new SealedSecret { Ciphertext = Google.Protobuf.ByteString.CopyFrom(ciphertext) };
        sealedSecret.Keys.Add(keys.Select(k => new WrappedKey
        {
            AgentId = k.AgentId,
            EphemeralPublicKey = Google.Protobuf.ByteString.CopyFrom(k.EphemeralPublicKey),
            Wrapped = Google.Protobuf.ByteString.CopyFrom(k.WrappedKey),
        }));

        var set = writer.Apply(new Change { PasswordSet = new PasswordSet { UserId = id, Username = name, Password = sealedSecret } });

        Assert.Equal(Outcome.Applied, set.Outcome);
        Assert.True(await slapd.CanBindAsync($"uid={name},{People}", Password));
        var kept = writer.Apply(new Change { PasswordSet = new PasswordSet { UserId = id, Username = name, OnlyIfUnset = true } });
        Assert.Equal(UserWriter.PasswordKeptNote, kept.Message);
    }

    /// <summary>What slapd did (operations completed, by kind) while <paramref name="work"/> ran, less what reading the counters costs.</summary>
    private static async Task<Dictionary<string, long>> OperationsDuring(SlapdServer slapd, Action work)
    {
        var idle0 = await slapd.OperationsAsync();
        var idle1 = await slapd.OperationsAsync();
        work();
        var after = await slapd.OperationsAsync();
        return after.ToDictionary(kv => kv.Key, kv => kv.Value - idle1.GetValueOrDefault(kv.Key) - (idle1.GetValueOrDefault(kv.Key) - idle0.GetValueOrDefault(kv.Key)),
            StringComparer.OrdinalIgnoreCase);
    }

    private static void ApplyBatch(DirectoryWriter writer, IReadOnlyList<Change> batch)
    {
        writer.LookAhead(batch);
        try
        {
            foreach (var change in batch)
            {
                var result = writer.Apply(change);
                Assert.True(result.Outcome == Outcome.Applied, $"change {change.Seq}: {result.Outcome} {result.Code} {result.Message}");
                Assert.NotEmpty(result.Anchor);
            }
        }
        finally
        {
            writer.ForgetLookAhead();
        }
    }

    [Fact]
    public async Task A_batch_costs_slapd_what_ldapadd_would_plus_a_few_searches_and_a_replay_of_what_is_in_place_writes_nothing()
    {
        // A slapd of its own with the monitor backend, whose counters nothing else moves meanwhile.
        var monitored = new SlapdServer { Monitor = true };
        await monitored.InitializeAsync();
        try
        {
            await CountOperationsAsync(monitored);
        }
        finally
        {
            await monitored.DisposeAsync();
        }
    }

    private async Task CountOperationsAsync(SlapdServer slapd)
    {
        var writer = Open(server: slapd);
        const int Users = 60;
        var (groupId, group) = ("g-" + Guid.NewGuid().ToString("N"), Unique("ops"));
        var people = Enumerable.Range(0, Users).Select(i => ("u-" + Guid.NewGuid().ToString("N"), Unique($"op{i}"))).ToList();
        var created = people.Select((p, i) => User(p.Item1, p.Item2)).ToList();
        var members = new MembershipSet { GroupId = groupId, GroupName = group };
        members.MemberUsernames.Add(people.Select(p => p.Item2));
        List<Change> Batch(IEnumerable<Change> users) =>
            [.. users, new Change { GroupUpsert = new GroupUpsert { GroupId = groupId, Name = group } }, new Change { MembershipSet = members }];

        // New users: one add each (the post-read control returns the entryUUID), as ldapadd; the group: one add, its nesting and its
        // members one modify each; searches: one for all the batch's users, one for the new group's name, three for the
        // membership (the group, the sync group's members, the members' entries), none per user.
        var ops = await OperationsDuring(slapd, () => ApplyBatch(writer, Batch(created)));
        Assert.Equal(Users + 1, ops["Add"]);
        Assert.Equal(2, ops["Modify"]);
        Assert.Equal(0, ops["Modrdn"] + ops["Delete"] + ops["Extended"] + ops["Compare"]);
        Assert.Equal(5, ops["Search"]);

        // The same desired state again, with the anchors the control plane would now send: nothing differs, nothing is written
        // (the group found by name among the sync group's members is not nested again); one more search: the sync group's members.
        var anchors = (await slapd.SearchAsync(People, "(uid=op*)", "uid", "entryUUID")).ToDictionary(e => e.First("uid")!, e => e.First("entryUUID")!);
        var replay = people.Select(p => User(p.Item1, p.Item2, anchor: anchors[p.Item2])).ToList();
        ops = await OperationsDuring(slapd, () => ApplyBatch(writer, Batch(replay)));
        Assert.Equal(0, ops["Add"] + ops["Modify"] + ops["Modrdn"] + ops["Delete"]);
        Assert.Equal(6, ops["Search"]);

        // A new last name for every user (and so a new cn and displayName): one modify each, nothing else.
        var renamed = people.Select(p => User(p.Item1, p.Item2, last: "Byron", anchor: anchors[p.Item2])).ToList();
        ops = await OperationsDuring(slapd, () => ApplyBatch(writer, Batch(renamed)));
        Assert.Equal(Users, ops["Modify"]);
        Assert.Equal(0, ops["Add"] + ops["Modrdn"] + ops["Delete"]);
        Assert.Equal(6, ops["Search"]);
        var entry = (await slapd.SearchAsync(People, $"(uid={people[0].Item2})", "sn", "mail")).Single();
        Assert.Equal("Byron", entry!.First("sn"));
        Assert.Equal($"{people[0].Item2}@example.com", entry.First("mail"));
    }
}
