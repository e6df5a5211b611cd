using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>Every agent behaviour that applies to OpenLDAP, through the real control plane, agent and slapd.</summary>
public sealed class OpenLdapBehaviourTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private const string People = "ou=People,dc=example,dc=com";
    private const string Groups = "ou=Groups,dc=example,dc=com";
    private const string SyncGroup = "cn=JumpCloud Groups,ou=Groups,dc=example,dc=com";

    private static Dictionary<string, string?> Options(params (string Name, string? Value)[] options) =>
        options.ToDictionary(o => o.Name, o => o.Value);

    private async Task<LdapEntry?> UserAsync(string uid) =>
        (await slapd.SearchAsync(People, $"(uid={uid})", "uid", "cn", "sn", "givenName", "displayName", "mail", "entryUUID", "pwdAccountLockedTime", "userPassword", "memberOf")).SingleOrDefault();

    private async Task<IReadOnlyList<string>> MembersAsync(string groupDn) =>
        (await slapd.SearchAsync(groupDn, "(objectClass=*)", "member")).Single().All("member");

    [Fact]
    public async Task Enrollment_sends_a_P256_public_key_and_keeps_the_private_key_only_encrypted_in_the_settings()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var factory = h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
        await using var db = await factory.CreateDbContextAsync();
        var record = await db.Agents.AsNoTracking().SingleAsync(a => a.Id == h.AgentId);
        Assert.True(record.PublicKey is not null && SecretSealing.IsValidPublicKey(record.PublicKey), "the control plane holds the agent's P-256 public key");

        var file = JsonNode.Parse(await File.ReadAllTextAsync(h.Agent.ConfigPath))!;
        Assert.Null(file["settings"]!["agentPrivateKey"]);
        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(h.Agent.ConfigPath), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(file["encryptedSecrets"]?.GetValue<string>()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(h.Agent.ConfigPath));

        // The key that is kept opens what is sealed to the published half: a password set through it works.
        var uid = Unique("key");
        var id = NewId();
        await h.MustApplyAsync(User(id, uid));
        await h.MustApplyAsync(await h.PasswordAsync(id, uid, "Sealed!Passw0rd"));
        Assert.True(await slapd.CanBindAsync($"uid={uid},{People}", "Sealed!Passw0rd"));
    }

    [Fact]
    public async Task A_password_is_written_as_a_hash_through_the_password_modify_operation_and_the_user_can_bind()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var uid = Unique("pw");
        var id = NewId();
        await h.MustApplyAsync(User(id, uid, "Pass", "Word"));
        Assert.False(await slapd.CanBindAsync($"uid={uid},{People}", "Correct!Horse1"));

        var outcome = await h.MustApplyAsync(await h.PasswordAsync(id, uid, "Correct!Horse1"));
        Assert.Equal(id, outcome.ObjectId);
        Assert.True(await slapd.CanBindAsync($"uid={uid},{People}", "Correct!Horse1"));
        var stored = (await UserAsync(uid))!.First("userPassword")!;
        Assert.StartsWith("{SSHA}", stored, StringComparison.Ordinal);

        // A new password replaces the old one.
        await h.MustApplyAsync(await h.PasswordAsync(id, uid, "Battery!Staple2"));
        Assert.True(await slapd.CanBindAsync($"uid={uid},{People}", "Battery!Staple2"));
        Assert.False(await slapd.CanBindAsync($"uid={uid},{People}", "Correct!Horse1"));
    }

    [Fact]
    public async Task A_password_sealed_to_another_agent_fails_with_a_reason_and_an_erased_one_is_skipped()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var uid = Unique("seal");
        var id = NewId();
        await h.MustApplyAsync(User(id, uid));
        var other = SecretSealing.CreateKeyPair();
        var (ciphertext, keys) = SecretSealing.Seal("Not!Yours123"u8, [("someone-else", other.PublicKey)]);
        var sealedElsewhere = new JumpCloudAdi.Protocol.SealedSecret { Ciphertext = Google.Protobuf.ByteString.CopyFrom(ciphertext) };
        sealedElsewhere.Keys.Add(new JumpCloudAdi.Protocol.WrappedKey
        {
            AgentId = keys[0].AgentId,
            EphemeralPublicKey = Google.Protobuf.ByteString.CopyFrom(keys[0].EphemeralPublicKey),
            Wrapped = Google.Protobuf.ByteString.CopyFrom(keys[0].WrappedKey),
        });
        var notMine = new JumpCloudAdi.Protocol.Change { PasswordSet = new() { UserId = id, Username = uid, Password = sealedElsewhere } };
        var erased = new JumpCloudAdi.Protocol.Change { PasswordSet = new() { UserId = id, Username = uid, Password = new() } };

        var outcomes = await h.ApplyAsync(notMine, erased);
        Assert.Equal(SyncOutcomeKind.Failed, outcomes[0].Outcome);
        Assert.Contains(h.AgentId, outcomes[0].Message, StringComparison.Ordinal);
        Assert.Equal(SyncOutcomeKind.Skipped, outcomes[1].Outcome);
        Assert.Contains("erased", outcomes[1].Message, StringComparison.Ordinal);
        Assert.Null((await UserAsync(uid))!.First("userPassword"));
    }

    [Fact]
    public async Task A_user_is_created_updated_and_renamed_by_its_entryUUID_never_duplicated()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var uid = Unique("ren");
        var id = NewId();
        var created = await h.MustApplyAsync(User(id, uid, "Ada", "Lovelace", email: $"{uid}@example.com"));
        var entry = (await UserAsync(uid))!;
        Assert.Equal(entry.First("entryUUID"), (await h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>()
            .CreateDbContext().SyncStatuses.AsNoTracking().SingleAsync(s => s.ObjectId == id)).Anchor);
        Assert.Equal("Ada Lovelace", entry.First("cn"));
        Assert.Equal($"{uid}@example.com", entry.First("mail"));

        var renamed = Unique("new");
        await h.MustApplyAsync(User(id, renamed, "Ada", "King"));
        Assert.Null(await UserAsync(uid));
        var after = (await UserAsync(renamed))!;
        Assert.Equal($"uid={renamed},{People}", after.Dn, ignoreCase: true);
        Assert.Equal(entry.First("entryUUID"), after.First("entryUUID"));
        Assert.Equal("King", after.First("sn"));
        Assert.Null(after.First("mail"));
        _ = created;
    }

    [Fact]
    public async Task Suspend_sets_the_ppolicy_administrator_lock_and_activate_lifts_it()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var uid = Unique("susp");
        var id = NewId();
        await h.MustApplyAsync(User(id, uid, suspended: true));
        Assert.Equal("000001010000Z", (await UserAsync(uid))!.First("pwdAccountLockedTime"));
        await h.MustApplyAsync(User(id, uid, suspended: false));
        Assert.Null((await UserAsync(uid))!.First("pwdAccountLockedTime"));
        await h.MustApplyAsync(User(id, uid, suspended: true));
        Assert.Equal("000001010000Z", (await UserAsync(uid))!.First("pwdAccountLockedTime"));
    }

    [Theory]
    [InlineData("false", false, true)]
    [InlineData("true", false, false)]
    [InlineData("true", true, true)]
    public async Task A_lockout_is_lifted_by_any_update_or_only_by_an_explicit_unlock_per_SyncAccountLockedOutStatus(
        string syncLockedOutStatus, bool explicitUnlock, bool unlocked)
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--sync-account-locked-out-status", syncLockedOutStatus)));
        var uid = Unique("lock");
        var id = NewId();
        await h.MustApplyAsync(User(id, uid));
        await slapd.ModifyAsync($"""
            dn: uid={uid},{People}
            changetype: modify
            replace: pwdAccountLockedTime
            pwdAccountLockedTime: 20240101000000Z
            """);
        await h.MustApplyAsync(User(id, uid, "Changed", explicitUnlock: explicitUnlock));
        var entry = (await UserAsync(uid))!;
        Assert.Equal("Changed", entry.First("givenName"));
        Assert.Equal(unlocked, entry.First("pwdAccountLockedTime") is null);
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("retain")]
    [InlineData("disable")]
    public async Task An_unbound_user_follows_user_disconnection_action(string action)
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--user-disconnection-action", action)));
        var uid = Unique("disc");
        var id = NewId();
        await h.MustApplyAsync(User(id, uid));
        await h.MustApplyAsync(Disconnect(id, uid));
        var entry = await UserAsync(uid);
        switch (action)
        {
            case "remove":
                Assert.Null(entry);
                break;
            case "retain":
                Assert.NotNull(entry);
                Assert.Null(entry.First("pwdAccountLockedTime"));
                break;
            default:
                Assert.Equal("000001010000Z", entry!.First("pwdAccountLockedTime"));
                break;
        }
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("retain")]
    public async Task An_unbound_user_leaves_or_keeps_its_groups_per_membership_disconnection_action(string action)
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--membership-disconnection-action", action), ("--user-disconnection-action", "retain")));
        var uid = Unique("mem");
        var id = NewId();
        var group = Unique("G");
        var groupId = NewId();
        await h.MustApplyAsync(User(id, uid));
        await h.MustApplyAsync(Group(groupId, group));
        await h.MustApplyAsync(Members(groupId, group, uid));
        var userDn = $"uid={uid},{People}";
        Assert.Contains(userDn, await MembersAsync($"cn={group},{Groups}"), StringComparer.OrdinalIgnoreCase);

        await h.MustApplyAsync(Disconnect(id, uid));
        var members = await MembersAsync($"cn={group},{Groups}");
        Assert.Equal(action == "retain", members.Contains(userDn, StringComparer.OrdinalIgnoreCase));
        // groupOfNames is never left without a member.
        Assert.NotEmpty(members);
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("retain")]
    public async Task An_unbound_group_follows_group_disconnection_action(string action)
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--group-disconnection-action", action)));
        var group = Unique("GD");
        var groupId = NewId();
        await h.MustApplyAsync(Group(groupId, group));
        var groupDn = $"cn={group},{Groups}";
        Assert.Contains(groupDn, await MembersAsync(SyncGroup), StringComparer.OrdinalIgnoreCase);

        await h.MustApplyAsync(GroupGone(groupId, group));
        var left = await slapd.SearchAsync(Groups, $"(cn={group})", "cn");
        Assert.Equal(action == "retain", left.Count == 1);
        Assert.Equal(action == "retain", (await MembersAsync(SyncGroup)).Contains(groupDn, StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("minimal")]
    [InlineData("match")]
    public async Task Group_membership_sync_type_decides_direct_membership_of_the_parent_sync_group(string type)
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--group-membership-sync-type", type)));
        var uid = Unique("nest");
        var id = NewId();
        var (g1, g1Id, g2, g2Id) = (Unique("GA"), NewId(), Unique("GB"), NewId());
        await h.MustApplyAsync(User(id, uid));
        await h.MustApplyAsync(Group(g1Id, g1));
        await h.MustApplyAsync(Group(g2Id, g2));
        var userDn = $"uid={uid},{People}";

        await h.MustApplyAsync(Members(g1Id, g1, uid));
        await h.MustApplyAsync(Members(g2Id, g2, uid));
        Assert.Equal(type == "match", (await MembersAsync(SyncGroup)).Contains(userDn, StringComparer.OrdinalIgnoreCase));

        // Leaving one group keeps the parent (the other group still holds the user); leaving both drops it.
        await h.MustApplyAsync(Members(g1Id, g1));
        Assert.Equal(type == "match", (await MembersAsync(SyncGroup)).Contains(userDn, StringComparer.OrdinalIgnoreCase));
        await h.MustApplyAsync(Members(g2Id, g2));
        Assert.DoesNotContain(userDn, await MembersAsync(SyncGroup), StringComparer.OrdinalIgnoreCase);
        Assert.Contains(SlapdServer.AdminDn, await MembersAsync(SyncGroup), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_group_is_renamed_by_its_anchor_and_an_unmanaged_group_of_the_same_name_is_left_alone()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var (name, id) = (Unique("GR"), NewId());
        await h.MustApplyAsync(Group(id, name));
        var renamed = Unique("GS");
        await h.MustApplyAsync(Group(id, renamed));
        Assert.Empty(await slapd.SearchAsync(Groups, $"(cn={name})", "cn"));
        Assert.Contains($"cn={renamed},{Groups}", await MembersAsync(SyncGroup), StringComparer.OrdinalIgnoreCase);

        // A group beside the sync group that is not in it belongs to someone else.
        var foreign = Unique("GF");
        await slapd.AddAsync($"""
            dn: cn={foreign},{Groups}
            objectClass: groupOfNames
            cn: {foreign}
            member: {SlapdServer.AdminDn}
            """);
        var outcome = (await h.ApplyAsync(Group(NewId(), foreign)))[0];
        Assert.Equal(SyncOutcomeKind.Failed, outcome.Outcome);
        Assert.Equal(68, outcome.Code);
        Assert.DoesNotContain($"cn={foreign},{Groups}", await MembersAsync(SyncGroup), StringComparer.OrdinalIgnoreCase);
        Assert.Equal([SlapdServer.AdminDn], (await MembersAsync($"cn={foreign},{Groups}")).ToArray());
    }

    [Fact]
    public async Task An_existing_account_with_the_same_username_in_the_root_container_is_taken_over_and_anchored()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var uid = Unique("take");
        await slapd.AddAsync($"""
            dn: uid={uid},{People}
            objectClass: inetOrgPerson
            uid: {uid}
            cn: Old Name
            sn: Name
            """);
        var before = (await UserAsync(uid))!;
        var id = NewId();
        var outcome = await h.MustApplyAsync(User(id, uid, "New", "Person"));
        var after = (await UserAsync(uid))!;
        Assert.Equal(before.First("entryUUID"), after.First("entryUUID"));
        Assert.Equal("New Person", after.First("cn"));
        Assert.Single(await slapd.SearchAsync(People, $"(uid={uid})", "uid"));

        // Anchored from then on: a rename follows the entryUUID.
        var renamed = Unique("took");
        await h.MustApplyAsync(User(id, renamed, "New", "Person"));
        Assert.Equal(before.First("entryUUID"), (await UserAsync(renamed))!.First("entryUUID"));
        _ = outcome;
    }

    [Fact]
    public async Task Usernames_with_filter_and_DN_syntax_touch_only_their_own_entry()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var decoy = Unique("decoy");
        var decoyId = NewId();
        await h.MustApplyAsync(User(decoyId, decoy, "Decoy", "User"));
        await slapd.AddAsync("""
            dn: ou=Outside,dc=example,dc=com
            objectClass: organizationalUnit
            ou: Outside
            """.Replace("ou=Outside", $"ou={decoy}", StringComparison.Ordinal).Replace("ou: Outside", $"ou: {decoy}", StringComparison.Ordinal));
        var outsideDn = $"uid=x,ou={decoy},dc=example,dc=com";
        await slapd.AddAsync($"""
            dn: {outsideDn}
            objectClass: inetOrgPerson
            uid: x
            cn: Outside
            sn: Outside
            """);
        var snapshot = await SnapshotAsync();

        var nasty = new[] { "a*)(uid=*", $"x,ou={decoy},dc=example,dc=com", "*", "x)(|(uid=*", "back\\slash" };
        foreach (var username in nasty)
        {
            var id = NewId();
            await h.MustApplyAsync(User(id, username, "Nasty", "Name"));
            var own = await slapd.SearchAsync(People, $"(uid={LdapFilterEscape(username)})", "uid");
            Assert.Single(own);
            Assert.Equal(username, own[0].First("uid"));
            await h.MustApplyAsync(Disconnect(id, username));
        }

        // The decoy and the entry outside the root container were never modified (same modifyTimestamp/entryCSN).
        var after = await SnapshotAsync();
        Assert.Equal(snapshot[$"uid={decoy},{People}".ToLowerInvariant()], after[$"uid={decoy},{People}".ToLowerInvariant()]);
        Assert.Equal(snapshot[outsideDn.ToLowerInvariant()], after[outsideDn.ToLowerInvariant()]);
        Assert.Equal("000001010000Z", (await slapd.SearchAsync(People, "(uid=\\2a)", "pwdAccountLockedTime")).Single().First("pwdAccountLockedTime"));
        Assert.Null((await UserAsync(decoy))!.First("pwdAccountLockedTime"));
    }

    [Fact]
    public async Task Replaying_every_kind_of_change_yields_the_same_directory()
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--group-membership-sync-type", "match"), ("--group-disconnection-action", "remove")));
        var (uid, id, other, otherId) = (Unique("idem"), NewId(), Unique("idem"), NewId());
        var (group, groupId, gone, goneId) = (Unique("GI"), NewId(), Unique("GJ"), NewId());
        var password = await h.PasswordAsync(id, uid, "Replay!Passw0rd");
        var kinds = new[]
        {
            User(id, uid, "Idem", "Potent"), User(otherId, other, "Other", "One"), password, Group(groupId, group), Group(goneId, gone),
            Members(groupId, group, uid, other), Members(groupId, group, uid), GroupGone(goneId, gone), Disconnect(otherId, other),
        };
        foreach (var change in kinds)
        {
            await h.MustApplyAsync(change.Clone());
        }

        var first = await SnapshotAsync(withValues: true);
        foreach (var change in kinds)
        {
            var outcome = (await h.ApplyAsync(change.Clone()))[0];
            Assert.True(outcome.Outcome == SyncOutcomeKind.Applied, $"replayed {change.KindCase}: {outcome.Outcome} {outcome.Message}");
        }

        var second = await SnapshotAsync(withValues: true);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (dn, state) in first)
        {
            Assert.True(state == second[dn], $"{dn} changed on replay:\n{state}\n---\n{second[dn]}");
        }

        Assert.True(await slapd.CanBindAsync($"uid={uid},{People}", "Replay!Passw0rd"));
    }

    /// <summary>DN -> state of every entry: modification stamps, or (withValues) the user-visible values.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync(bool withValues = false)
    {
        var entries = withValues
            ? await slapd.SearchAsync("dc=example,dc=com", "(objectClass=*)", "*", "entryUUID", "pwdAccountLockedTime")
            : await slapd.SearchAsync("dc=example,dc=com", "(objectClass=*)", "entryCSN", "modifyTimestamp");
        return entries.ToDictionary(e => e.Dn.ToLowerInvariant(), e => string.Join("\n", e.Attributes
            .Where(a => !a.Key.Equals("userPassword", StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.Key, StringComparer.OrdinalIgnoreCase)
            .Select(a => $"{a.Key.ToLowerInvariant()}={string.Join("|", a.Value.Order(StringComparer.OrdinalIgnoreCase))}")));
    }

    private static string LdapFilterEscape(string value) => JumpCloudAdi.Shared.Dn.LdapEscape.FilterValue(value);
    [Fact]
    public async Task Two_case_variants_of_a_username_through_the_API_the_second_is_409_and_slapd_holds_one_account()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        var name = Unique("probecase");
        var first = await h.ControlPlane.CreateUserAsync(name, "First", "Owner");
        await h.ControlPlane.BindUserAsync(h.DomainId, first);
        await Processes.WaitUntilAsync(async () => await UserAsync(name) is not null, TimeSpan.FromSeconds(60), $"{name} in slapd");

        var variant = name.ToUpperInvariant();
        ApiAssert.Error(409, await h.ControlPlane.SendAsync(HttpMethod.Post, "/api/systemusers",
            new { username = variant, email = $"{variant}@other.example.com", firstname = "Second", lastname = "Taker" }), "duplicateUsername");

        // A later user shows that everything before it reached the directory; the name still has one account, the first's.
        var marker = Unique("marker");
        await h.ControlPlane.BindUserAsync(h.DomainId, await h.ControlPlane.CreateUserAsync(marker, "Mark", "Er"));
        await Processes.WaitUntilAsync(async () => await UserAsync(marker) is not null, TimeSpan.FromSeconds(60), $"{marker} in slapd");
        var accounts = await slapd.SearchAsync(People, $"(uid={name})", "uid", "givenName");
        Assert.Equal("First", Assert.Single(accounts).First("givenName"));
    }

    [Fact]
    public async Task The_agent_refuses_an_entry_whose_anchor_is_recorded_for_another_object_and_reports_why_as_that_objects_status()
    {
        // Entries written straight into the change log, as a control plane from before case-insensitive names could.
        await using var h = await AgentHarness.StartAsync(slapd);
        var name = Unique("probecase");
        var (owner, taker) = (NewId(), NewId());
        await h.MustApplyAsync(User(owner, name, "Alice", "Owner"));
        await h.MustApplyAsync(await h.PasswordAsync(owner, name, "Owner!Passw0rd"));

        var variant = name.ToUpperInvariant();
        var refused = await h.ApplyAsync(User(taker, variant, "Bob", "Taker"), await h.PasswordAsync(taker, variant, "Taker!Passw0rd"), Disconnect(taker, variant));
        Assert.All(refused, r =>
        {
            Assert.Equal(SyncOutcomeKind.Failed, r.Outcome);
            Assert.Equal(68, r.Code);
            Assert.Contains(owner, r.Message, StringComparison.Ordinal);
            Assert.Equal(taker, r.ObjectId);
        });

        var account = Assert.Single(await slapd.SearchAsync(People, $"(uid={name})", "uid", "givenName", "pwdAccountLockedTime"));
        Assert.Equal("Alice", account.First("givenName"));
        Assert.Null(account.First("pwdAccountLockedTime"));
        Assert.True(await slapd.CanBindAsync(account.Dn, "Owner!Passw0rd"));
        Assert.False(await slapd.CanBindAsync(account.Dn, "Taker!Passw0rd"));

        var factory = h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var status = await db.SyncStatuses.AsNoTracking().SingleAsync(s => s.DomainId == h.DomainId && s.ObjectId == taker);
            Assert.Equal(SyncOutcomeKind.Failed, status.Outcome);
            Assert.Contains("another JumpCloud object", status.Message, StringComparison.Ordinal);
            Assert.Null(status.Anchor);
        }

        // Groups the same way: the second name's upsert and membership leave the first group alone.
        var group = Unique("Staff");
        var (groupOwner, groupTaker) = (NewId(), NewId());
        await h.MustApplyAsync(Group(groupOwner, group));
        await h.MustApplyAsync(Members(groupOwner, group, name));
        var groupRefused = await h.ApplyAsync(Group(groupTaker, group.ToLowerInvariant()), Members(groupTaker, group.ToLowerInvariant()), GroupGone(groupTaker, group.ToLowerInvariant()));
        Assert.All(groupRefused, r => Assert.Equal((SyncOutcomeKind.Failed, 68), (r.Outcome, r.Code)));
        var groupDn = Assert.Single(await slapd.SearchAsync(Groups, $"(cn={group})", "cn")).Dn;
        Assert.Equal([account.Dn], (await MembersAsync(groupDn)).Where(m => m.Contains(People, StringComparison.OrdinalIgnoreCase)));

        // The owner itself is still written as before.
        await h.MustApplyAsync(User(owner, name, "Alicia", "Owner"));
        Assert.Equal("Alicia", (await UserAsync(name))!.First("givenName"));
    }
}
