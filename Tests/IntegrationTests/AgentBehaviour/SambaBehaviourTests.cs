using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>Every agent behaviour and setting value on real AD semantics: the real agent against the Samba AD DC.</summary>
[Collection(SambaCollection.Name)]
public sealed class SambaBehaviourTests(SambaDc samba)
{
    private const string People = "OU=People,DC=example,DC=com";
    private const string Groups = "OU=Groups,DC=example,DC=com";
    private const string SyncGroup = "CN=JumpCloud Groups,OU=Groups,DC=example,DC=com";
    private const string Enabled = "512";
    private const string Disabled = "514";

    private static Dictionary<string, string?> Options(params (string Name, string? Value)[] options) =>
        options.ToDictionary(o => o.Name, o => o.Value);

    private async Task<LdapEntry?> UserAsync(string sam) =>
        (await samba.SearchAsync(People, $"(sAMAccountName={sam})", "userAccountControl", "lockoutTime", "uSNCreated", "uSNChanged",
            "cn", "displayName", "givenName", "sn", "userPrincipalName", "pwdLastSet", "memberOf", "adminCount")).SingleOrDefault();

    private async Task<IReadOnlyList<string>> MembersAsync(string groupDn) =>
        (await samba.SearchAsync(groupDn, "(objectClass=*)", "member")).SingleOrDefault()?.All("member") ?? [];

    [Fact]
    public async Task A_new_user_is_created_disabled_and_enabled_only_once_its_password_is_set()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (sam, id) = (Unique("pw"), NewId());
        // Names unique to this test: the DC is shared by the whole run.
        await h.MustApplyAsync(User(id, sam, "Grace", sam));
        var created = (await UserAsync(sam))!;
        Assert.Equal(Disabled, created.First("userAccountControl"));
        Assert.Equal("0", created.First("pwdLastSet"));
        Assert.Equal($"CN=Grace {sam},{People}", created.Dn);

        await h.MustApplyAsync(await h.PasswordAsync(id, sam, "Cobol!Compiler1959"));
        Assert.Equal(Enabled, (await UserAsync(sam))!.First("userAccountControl"));
        Assert.True(await samba.CanBindAsync($"{sam}@example.com", "Cobol!Compiler1959"));
    }

    [Fact]
    public async Task A_password_the_DC_rejects_is_reported_with_its_code_and_text_and_the_new_account_stays_disabled()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (sam, id) = (Unique("weak"), NewId());
        var outcomes = await h.ApplyAsync(User(id, sam, "Weak", "Password"), await h.PasswordAsync(id, sam, "abc"));
        Assert.Equal(SyncOutcomeKind.Applied, outcomes[0].Outcome);
        Assert.Equal(SyncOutcomeKind.Failed, outcomes[1].Outcome);
        Assert.Equal(19, outcomes[1].Code);
        Assert.Contains("check_password_restrictions", outcomes[1].Message, StringComparison.Ordinal);
        Assert.Equal(Disabled, (await UserAsync(sam))!.First("userAccountControl"));

        // An update does not enable an account that still has no password.
        await h.MustApplyAsync(User(id, sam, "Weak", "Password2"));
        Assert.Equal(Disabled, (await UserAsync(sam))!.First("userAccountControl"));
    }

    [Fact]
    public async Task Through_the_REST_API_a_password_reaches_the_DC_and_a_rejection_shows_as_the_users_syncStatus()
    {
        // The control plane's own policy is relaxed so that the DC's complexity rule is the one that refuses.
        await using var h = await AgentHarness.StartAsync(samba, controlPlaneSettings: new Dictionary<string, string> { ["PasswordPolicy:RequiredCharacterClasses"] = "1" });
        var sam = Unique("api");
        var userId = await h.ControlPlane.CreateUserAsync(sam, "Api", "Person");
        await h.ControlPlane.BindUserAsync(h.DomainId, userId);
        await ThinPathWait(h, sam);

        await h.ControlPlane.MustAsync(HttpMethod.Post, $"/api/systemusers/{userId}/password", new { password = "Rest!Passw0rd42" }, 200);
        await Processes.WaitUntilAsync(async () => (await UserAsync(sam))?.First("userAccountControl") == Enabled,
            TimeSpan.FromSeconds(60), $"the account enabled after its password (log: {h.Agent.Log})");
        Assert.True(await samba.CanBindAsync($"{sam}@example.com", "Rest!Passw0rd42"));

        await h.ControlPlane.MustAsync(HttpMethod.Post, $"/api/systemusers/{userId}/password", new { password = "onlylowercaseletters" }, 200);
        System.Text.Json.Nodes.JsonNode? status = null;
        await Processes.WaitUntilAsync(async () =>
        {
            var users = await h.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{h.DomainId}/users", null, 200);
            status = users.AsArray().Single(u => u!["id"]!.GetValue<string>() == userId)!["syncStatus"];
            return status?["code"]?.GetValue<int>() == 19;
        }, TimeSpan.FromSeconds(60), $"syncStatus with the DC's refusal (log: {h.Agent.Log})");
        Assert.Contains("complexity", status!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(await samba.CanBindAsync($"{sam}@example.com", "Rest!Passw0rd42"), "the old password still works");
    }

    private async Task ThinPathWait(AgentHarness h, string sam) =>
        await Processes.WaitUntilAsync(async () => await UserAsync(sam) is not null, TimeSpan.FromSeconds(60), $"{sam} created (log: {h.Agent.Log})");

    [Fact]
    public async Task Suspend_disables_and_activate_enables_and_a_user_created_suspended_stays_disabled_after_its_password()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (sam, id) = (Unique("susp"), NewId());
        await h.ApplyAsync(User(id, sam), await h.PasswordAsync(id, sam, "Suspend!Me2024"));
        var created = (await UserAsync(sam))!;
        Assert.Equal(Enabled, created.First("userAccountControl"));
        // The upsert and its password set came in one batch: created with its password and enabled in one add.
        Assert.NotEqual("0", created.First("pwdLastSet"));
        Assert.Equal(created.First("uSNCreated"), created.First("uSNChanged"));
        await h.MustApplyAsync(User(id, sam, suspended: true));
        Assert.Equal(Disabled, (await UserAsync(sam))!.First("userAccountControl"));
        await h.MustApplyAsync(User(id, sam, suspended: false));
        Assert.Equal(Enabled, (await UserAsync(sam))!.First("userAccountControl"));

        var (held, heldId) = (Unique("held"), NewId());
        await h.MustApplyAsync(User(heldId, held, suspended: true));
        await h.MustApplyAsync(await h.PasswordAsync(heldId, held, "Held!Back2024", suspended: true));
        Assert.Equal(Disabled, (await UserAsync(held))!.First("userAccountControl"));
        await h.MustApplyAsync(User(heldId, held, suspended: false));
        Assert.Equal(Enabled, (await UserAsync(held))!.First("userAccountControl"));

        // Suspended, with its password in the same batch: the one add sets the password and leaves the account disabled.
        var (both, bothId) = (Unique("heldb"), NewId());
        var outcomes = await h.ApplyAsync(User(bothId, both, suspended: true), await h.PasswordAsync(bothId, both, "Held!Back2025", suspended: true));
        Assert.All(outcomes, o => Assert.Equal(SyncOutcomeKind.Applied, o.Outcome));
        var heldBoth = (await UserAsync(both))!;
        Assert.Equal(Disabled, heldBoth.First("userAccountControl"));
        Assert.NotEqual("0", heldBoth.First("pwdLastSet"));
        Assert.Equal(heldBoth.First("uSNCreated"), heldBoth.First("uSNChanged"));
        await h.MustApplyAsync(User(bothId, both, suspended: false));
        Assert.Equal(Enabled, (await UserAsync(both))!.First("userAccountControl"));
        Assert.True(await samba.CanBindAsync($"{both}@example.com", "Held!Back2025"));
    }

    [Theory]
    [InlineData("false", false, true)]
    [InlineData("true", false, false)]
    [InlineData("true", true, true)]
    public async Task LockoutTime_is_reset_by_any_update_or_only_by_an_explicit_unlock_per_SyncAccountLockedOutStatus(
        string syncLockedOutStatus, bool explicitUnlock, bool unlocked)
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--sync-account-locked-out-status", syncLockedOutStatus)));
        var (sam, id) = (Unique("lock"), NewId());
        await h.MustApplyAsync(User(id, sam));
        var dn = (await UserAsync(sam))!.Dn;
        await samba.ModifyAsync($"""
            dn: {dn}
            changetype: modify
            replace: lockoutTime
            lockoutTime: 134000000000000000
            """);
        await h.MustApplyAsync(User(id, sam, "Changed", explicitUnlock: explicitUnlock));
        var entry = (await UserAsync(sam))!;
        Assert.Equal("Changed", entry.First("givenName"));
        Assert.Equal(unlocked ? "0" : "134000000000000000", entry.First("lockoutTime"));
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("retain")]
    [InlineData("disable")]
    public async Task An_unbound_user_follows_user_disconnection_action(string action)
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--user-disconnection-action", action)));
        var (sam, id) = (Unique("disc"), NewId());
        await h.ApplyAsync(User(id, sam), await h.PasswordAsync(id, sam, "Discon!nect2024"));
        Assert.Equal(Enabled, (await UserAsync(sam))!.First("userAccountControl"));
        await h.MustApplyAsync(Disconnect(id, sam));
        var entry = await UserAsync(sam);
        switch (action)
        {
            case "remove":
                Assert.Null(entry);
                break;
            case "retain":
                Assert.Equal(Enabled, entry!.First("userAccountControl"));
                break;
            default:
                Assert.Equal(Disabled, entry!.First("userAccountControl"));
                break;
        }
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("retain")]
    public async Task An_unbound_user_leaves_or_keeps_its_groups_per_membership_disconnection_action(string action)
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--membership-disconnection-action", action), ("--group-membership-sync-type", "match")));
        var (sam, id, group, groupId) = (Unique("mem"), NewId(), Unique("G"), NewId());
        await h.MustApplyAsync(User(id, sam));
        await h.MustApplyAsync(Group(groupId, group));
        await h.MustApplyAsync(Members(groupId, group, sam));
        var userDn = (await UserAsync(sam))!.Dn;
        Assert.Contains(userDn, await MembersAsync($"CN={group},{Groups}"));
        Assert.Contains(userDn, await MembersAsync(SyncGroup));

        await h.MustApplyAsync(Disconnect(id, sam));
        Assert.Equal(Disabled, (await UserAsync(sam))!.First("userAccountControl"));
        Assert.Equal(action == "retain", (await MembersAsync($"CN={group},{Groups}")).Contains(userDn));
        Assert.Equal(action == "retain", (await MembersAsync(SyncGroup)).Contains(userDn));
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("retain")]
    public async Task An_unbound_group_follows_group_disconnection_action(string action)
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--group-disconnection-action", action)));
        var (group, groupId) = (Unique("GD"), NewId());
        await h.MustApplyAsync(Group(groupId, group));
        var groupDn = $"CN={group},{Groups}";
        var entry = (await samba.SearchAsync(Groups, $"(cn={group})", "groupType", "memberOf")).Single();
        Assert.Equal("-2147483646", entry.First("groupType"));
        Assert.Contains(SyncGroup, entry.All("memberOf"));

        await h.MustApplyAsync(GroupGone(groupId, group));
        Assert.Equal(action == "retain", (await samba.SearchAsync(Groups, $"(cn={group})", "cn")).Count == 1);
        Assert.Equal(action == "retain", (await MembersAsync(SyncGroup)).Contains(groupDn));
    }

    [Theory]
    [InlineData("minimal")]
    [InlineData("match")]
    public async Task Group_membership_sync_type_minimal_inherits_the_parent_and_match_makes_it_direct(string type)
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--group-membership-sync-type", type)));
        var (sam, id) = (Unique("nest"), NewId());
        var (g1, g1Id, g2, g2Id) = (Unique("GA"), NewId(), Unique("GB"), NewId());
        await h.MustApplyAsync(User(id, sam));
        await h.MustApplyAsync(Group(g1Id, g1));
        await h.MustApplyAsync(Group(g2Id, g2));
        await h.MustApplyAsync(Members(g1Id, g1, sam));
        await h.MustApplyAsync(Members(g2Id, g2, sam));
        var userDn = (await UserAsync(sam))!.Dn;

        Assert.Equal(type == "match", (await MembersAsync(SyncGroup)).Contains(userDn));
        var chained = await samba.SearchAsync(People, $"(&(sAMAccountName={sam})(memberOf:1.2.840.113556.1.4.1941:={SyncGroup}))", "cn");
        Assert.Single(chained);

        await h.MustApplyAsync(Members(g1Id, g1));
        Assert.Equal(type == "match", (await MembersAsync(SyncGroup)).Contains(userDn));
        await h.MustApplyAsync(Members(g2Id, g2));
        Assert.DoesNotContain(userDn, await MembersAsync(SyncGroup));
        Assert.Empty(await samba.SearchAsync(People, $"(&(sAMAccountName={sam})(memberOf:1.2.840.113556.1.4.1941:={SyncGroup}))", "cn"));
    }

    [Fact]
    public async Task A_group_bigger_than_one_ranged_read_of_member_is_read_whole_before_members_are_added_or_removed()
    {
        // A DC returns at most MaxValRange (1500) members per read, naming them "member;range=0-1499". Samba returns every
        // value unless asked for a range, so the agent is told to ask for 50 at a time: 120 members take three reads.
        await using var h = await AgentHarness.StartAsync(samba, new Dictionary<string, string?> { ["--ad-member-range"] = "50" });
        var (group, groupId) = (Unique("Big"), NewId());
        var users = Enumerable.Range(0, 120).Select(_ => (Sam: Unique("rng"), Id: NewId())).ToList();
        var created = await h.ApplyAsync([.. users.Select(u => User(u.Id, u.Sam)), Group(groupId, group)]);
        Assert.All(created, o => Assert.Equal(SyncOutcomeKind.Applied, o.Outcome));
        await h.MustApplyAsync(Members(groupId, group, [.. users.Select(u => u.Sam)]));
        var groupDn = $"CN={group},{Groups}";
        var all = await MembersAsync(groupDn);
        Assert.Equal(120, all.Count);

        // Every member is known across the ranges: applying the same set again adds nothing (re-adding would be refused
        // with attributeOrValueExists) and dropping members removes exactly those, wherever their range.
        await h.MustApplyAsync(Members(groupId, group, [.. users.Select(u => u.Sam)]));
        var dropped = new[] { users[7], users[63], users[118] };
        var kept = users.Except(dropped).Select(u => u.Sam).ToArray();
        await h.MustApplyAsync(Members(groupId, group, kept));
        var after = await MembersAsync(groupDn);
        Assert.Equal(117, after.Count);
        foreach (var user in dropped)
        {
            var dn = (await UserAsync(user.Sam))!.Dn;
            Assert.DoesNotContain(dn, after, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task An_account_with_the_same_username_is_taken_over_and_followed_by_its_objectGUID_after_renames()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var sam = Unique("take");
        await samba.ModifyAsync($"""
            dn: CN=Existing {sam},{People}
            changetype: add
            objectClass: user
            sAMAccountName: {sam}
            userAccountControl: 514
            """);
        var before = (await UserAsync(sam))!;
        var id = NewId();
        await h.MustApplyAsync(User(id, sam, "Taken", sam));
        var after = (await UserAsync(sam))!;
        Assert.Equal(before.First("uSNCreated"), after.First("uSNCreated"));
        Assert.Equal($"CN=Taken {sam},{People}", after.Dn);
        Assert.Equal($"{sam}@example.com", after.First("userPrincipalName"));

        var renamed = Unique("took");
        await h.MustApplyAsync(User(id, renamed, "Still", renamed));
        Assert.Null(await UserAsync(sam));
        var moved = (await UserAsync(renamed))!;
        Assert.Equal(before.First("uSNCreated"), moved.First("uSNCreated"));
        Assert.Equal($"CN=Still {renamed},{People}", moved.Dn);
        Assert.Single(await samba.SearchAsync(People, $"(|(sAMAccountName={sam})(sAMAccountName={renamed}))", "cn"));
    }

    [Fact]
    public async Task An_account_with_adminCount_1_is_never_touched_and_reported_as_skipped_with_the_reason()
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--user-disconnection-action", "remove")));
        var sam = Unique("adm");
        await samba.ModifyAsync($"""
            dn: CN=Protected {sam},{People}
            changetype: add
            objectClass: user
            sAMAccountName: {sam}
            userAccountControl: 514
            adminCount: 1
            """);
        var before = (await UserAsync(sam))!;
        var (group, groupId) = (Unique("GP"), NewId());
        await h.MustApplyAsync(Group(groupId, group));
        var id = NewId();
        var outcomes = await h.ApplyAsync(User(id, sam, "Would", "Change"), await h.PasswordAsync(id, sam, "Never!Set2024"),
            Members(groupId, group, sam), Disconnect(id, sam));
        Assert.Equal(SyncOutcomeKind.Skipped, outcomes[0].Outcome);
        Assert.Contains("adminCount=1", outcomes[0].Message, StringComparison.Ordinal);
        Assert.Equal(SyncOutcomeKind.Skipped, outcomes[1].Outcome);
        Assert.Contains("adminCount=1", outcomes[2].Message, StringComparison.Ordinal);
        Assert.Equal(SyncOutcomeKind.Skipped, outcomes[3].Outcome);

        var after = (await UserAsync(sam))!;
        Assert.Equal(before.First("uSNChanged"), after.First("uSNChanged"));
        Assert.Equal(before.Dn, after.Dn);
        Assert.DoesNotContain(before.Dn, await MembersAsync($"CN={group},{Groups}"));
    }

    [Fact]
    public async Task Names_with_filter_and_DN_syntax_touch_only_their_own_entry_inside_the_root_container()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (decoy, decoyId) = (Unique("dec"), NewId());
        await h.MustApplyAsync(User(decoyId, decoy, "Decoy", "Account"));
        var decoyBefore = (await UserAsync(decoy))!;
        var outsideBefore = await samba.SearchAsync("CN=Users,DC=example,DC=com", "(objectClass=user)", "uSNChanged");

        // Filter syntax in the username: the DC refuses the characters or stores them literally; either way only that one.
        foreach (var username in new[] { "a*)(uid=*", "*", "x)(|(cn=*" })
        {
            var id = NewId();
            var outcomes = await h.ApplyAsync(User(id, username, "Nasty", "Name"), Disconnect(id, username));
            if (outcomes[0].Outcome == SyncOutcomeKind.Applied)
            {
                var own = await samba.SearchAsync(People, $"(sAMAccountName={JumpCloudAdi.Shared.Dn.LdapEscape.FilterValue(username)})", "sAMAccountName", "userAccountControl");
                Assert.Equal(username, Assert.Single(own).First("sAMAccountName"));
                Assert.Equal(Disabled, own[0].First("userAccountControl"));
            }
            else
            {
                Assert.Equal(SyncOutcomeKind.Failed, outcomes[0].Outcome);
            }
        }

        // DN syntax in the name parts: the CN is escaped and stays in the root container.
        var (sam, evilId) = (Unique("evil"), NewId());
        await h.MustApplyAsync(User(evilId, sam, "x", "y,CN=Users,DC=example,DC=com"));
        var evil = (await UserAsync(sam))!;
        Assert.EndsWith($",{People}", evil.Dn, StringComparison.Ordinal);
        Assert.Equal("x y,CN=Users,DC=example,DC=com", evil.First("cn"));

        var decoyAfter = (await UserAsync(decoy))!;
        Assert.Equal(decoyBefore.First("uSNChanged"), decoyAfter.First("uSNChanged"));
        var outsideAfter = await samba.SearchAsync("CN=Users,DC=example,DC=com", "(objectClass=user)", "uSNChanged");
        Assert.Equal(outsideBefore.Count, outsideAfter.Count);
        foreach (var entry in outsideBefore.Where(e => !e.Dn.StartsWith("CN=JumpCloud Sync", StringComparison.Ordinal) && !e.Dn.StartsWith("CN=Administrator", StringComparison.Ordinal)))
        {
            Assert.Equal(entry.First("uSNChanged"), outsideAfter.Single(e => e.Dn == entry.Dn).First("uSNChanged"));
        }
    }

    [Fact]
    public async Task Replaying_every_kind_of_change_yields_the_same_directory()
    {
        await using var h = await AgentHarness.StartAsync(samba, Options(("--group-membership-sync-type", "match"), ("--group-disconnection-action", "remove")));
        var (sam, id, other, otherId) = (Unique("idem"), NewId(), Unique("idem"), NewId());
        var (group, groupId, gone, goneId) = (Unique("GI"), NewId(), Unique("GJ"), NewId());
        var kinds = new[]
        {
            User(id, sam, "Idem", "Potent"), User(otherId, other, "Other", "One"), await h.PasswordAsync(id, sam, "Replay!Passw0rd"),
            Group(groupId, group), Group(goneId, gone), Members(groupId, group, sam, other), Members(groupId, group, sam),
            GroupGone(goneId, gone), Disconnect(otherId, other),
        };
        foreach (var change in kinds)
        {
            await h.MustApplyAsync(change.Clone());
        }

        var first = await SnapshotAsync();
        foreach (var change in kinds)
        {
            var outcome = (await h.ApplyAsync(change.Clone()))[0];
            Assert.True(outcome.Outcome == SyncOutcomeKind.Applied, $"replayed {change.KindCase}: {outcome.Outcome} {outcome.Message}");
        }

        var second = await SnapshotAsync();
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (dn, state) in first)
        {
            Assert.True(state == second[dn], $"{dn} changed on replay:\n{state}\n---\n{second[dn]}");
        }

        Assert.True(await samba.CanBindAsync($"{sam}@example.com", "Replay!Passw0rd"));
    }

    /// <summary>The user-visible state of the root container and the groups beside the sync group.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        string[] attributes = ["cn", "sAMAccountName", "userPrincipalName", "givenName", "sn", "displayName", "userAccountControl", "member", "groupType", "uSNCreated"];
        var entries = (await samba.SearchAsync(People, "(objectClass=*)", attributes)).Concat(await samba.SearchAsync(Groups, "(objectClass=*)", attributes));
        return entries.ToDictionary(e => e.Dn, e => string.Join("\n", e.Attributes.OrderBy(a => a.Key, StringComparer.OrdinalIgnoreCase)
            .Select(a => $"{a.Key}={string.Join("|", a.Value.Order(StringComparer.Ordinal))}")));
    }

    [Theory]
    [InlineData("Administrator@example.com", SambaDc.AdminPassword, "Domain Admins")]
    [InlineData(SambaDc.NamedJumpCloudUser, SambaDc.SyncPassword, "is named JumpCloud")]
    [InlineData(SambaDc.InJumpCloudGroupUser, SambaDc.SyncPassword, "CN=JumpCloud,CN=Users,DC=example,DC=com")]
    public async Task The_agent_refuses_to_run_as_a_Domain_Admin_an_account_named_JumpCloud_or_a_member_of_a_JumpCloud_group(
        string bindUser, string password, string reason)
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await controlPlane.CreateDomainAsync();
        var (_, connectKey) = await controlPlane.CreateConnectKeyAsync(domainId);
        using var agent = new AgentProcess(temp.Sub("agent"));
        var passwordFile = temp.Sub("svc.pw");
        await File.WriteAllTextAsync(passwordFile, password);
        (await agent.TryInstallAsync(controlPlane, samba, connectKey, Options(("--bind-user", bindUser), ("--bind-password-file", passwordFile))))
            .EnsureSuccess("install");
        agent.Start();
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the agent kept running: {agent.Log}");
        Assert.Equal(4, agent.ExitCode);
        var error = Assert.Single(agent.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains(bindUser, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_sync_group_is_refused_on_AD()
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await controlPlane.CreateDomainAsync();
        var (_, connectKey) = await controlPlane.CreateConnectKeyAsync(domainId);
        using var agent = new AgentProcess(temp.Sub("agent"));
        (await agent.TryInstallAsync(controlPlane, samba, connectKey, Options(("--sync-group-dn", "CN=No Such Group;OU=Groups;DC=example;DC=com"))))
            .EnsureSuccess("install");
        agent.Start();
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the agent kept running: {agent.Log}");
        Assert.Equal(4, agent.ExitCode);
        Assert.Contains("sync group 'CN=No Such Group;OU=Groups;DC=example;DC=com'", agent.Log, StringComparison.Ordinal);
    }
}
