using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.IntegrationTests.Portal;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// The password vault on real AD semantics: a user's current password reaches every account that needs it, whenever
/// the user comes to reach the domain (bound directly, its group bound, joining a bound group), on an agent enrolled
/// after it was set, and on an account a reconcile recreates. Each case ends with a bind as the user.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SambaPasswordVaultTests(SambaDc samba)
{
    private const string People = "OU=People,DC=example,DC=com";
    private const string Enabled = "512";
    private const string Disabled = "514";

    private async Task<LdapEntry?> AccountAsync(string sam) =>
        (await samba.SearchAsync(People, $"(sAMAccountName={sam})", "userAccountControl", "pwdLastSet")).SingleOrDefault();

    private async Task BindsAsync(AgentHarness h, string sam, string password) =>
        await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{sam}@example.com", password), TimeSpan.FromSeconds(60),
            () => $"{sam} binds with its password (agent log: {h.Agent.Log})");

    private static async Task<JsonNode?> SyncStatusAsync(AgentHarness h, string userId)
    {
        var users = await h.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{h.DomainId}/users", null, 200);
        return users.AsArray().SingleOrDefault(u => u!["id"]!.GetValue<string>() == userId)?["syncStatus"];
    }

    private static string Password() => $"Vault!{Guid.NewGuid().ToString("N")[..10]}9Zz";

    [Fact]
    public async Task A_user_created_with_a_password_and_then_bound_directly_is_enabled_and_binds()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (sam, password) = (Unique("vd"), Password());
        var userId = await h.ControlPlane.Client.CreateUserAsync(sam, "Direct", "Bind", password);
        await h.ControlPlane.BindUserAsync(h.DomainId, userId);

        await BindsAsync(h, sam, password);
        Assert.Equal(Enabled, (await AccountAsync(sam))!.First("userAccountControl"));
    }

    [Fact]
    public async Task A_user_created_with_a_password_binds_once_its_group_is_bound_or_it_joins_a_bound_group()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (early, earlyPassword) = (Unique("vg"), Password());
        var (late, latePassword) = (Unique("vj"), Password());
        var earlyId = await h.ControlPlane.Client.CreateUserAsync(early, "Group", "First", earlyPassword);
        var lateId = await h.ControlPlane.Client.CreateUserAsync(late, "Joins", "Later", latePassword);
        var groupId = await h.ControlPlane.CreateGroupAsync(Unique("vgrp"));

        // A member before the group is bound: the group bind brings its password.
        await h.ControlPlane.AddMemberAsync(groupId, earlyId);
        await h.ControlPlane.BindGroupAsync(h.DomainId, groupId);
        await BindsAsync(h, early, earlyPassword);

        // A member after: joining the bound group brings it.
        await h.ControlPlane.AddMemberAsync(groupId, lateId);
        await BindsAsync(h, late, latePassword);
        Assert.Equal(Enabled, (await AccountAsync(early))!.First("userAccountControl"));
        Assert.Equal(Enabled, (await AccountAsync(late))!.First("userAccountControl"));
    }

    [Fact]
    public async Task An_account_deleted_in_AD_is_recreated_by_a_reconcile_with_its_password_and_an_account_in_sync_is_not_rewritten()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (lost, lostPassword) = (Unique("vr"), Password());
        var (kept, keptPassword) = (Unique("vk"), Password());
        var lostId = await h.ControlPlane.Client.CreateUserAsync(lost, "Lost", "Account", lostPassword);
        var keptId = await h.ControlPlane.Client.CreateUserAsync(kept, "Kept", "Account", keptPassword);
        await h.ControlPlane.BindUserAsync(h.DomainId, lostId);
        await h.ControlPlane.BindUserAsync(h.DomainId, keptId);
        await BindsAsync(h, lost, lostPassword);
        await BindsAsync(h, kept, keptPassword);
        var keptPwdLastSet = (await AccountAsync(kept))!.First("pwdLastSet");

        var dn = (await samba.SearchAsync(People, $"(sAMAccountName={lost})", "cn")).Single().Dn;
        await samba.ModifyAsync($"dn: {dn}\nchangetype: delete\n");
        Assert.Null(await AccountAsync(lost));

        await h.ControlPlane.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{h.DomainId}/reconcile", null, 202);
        string? lostMessage = null, keptMessage = null;
        await Processes.WaitUntilAsync(async () =>
        {
            lostMessage = (await SyncStatusAsync(h, lostId))?["message"]?.GetValue<string>();
            keptMessage = (await SyncStatusAsync(h, keptId))?["message"]?.GetValue<string>();
            return lostMessage?.Contains("password set", StringComparison.Ordinal) == true && keptMessage == "applied: reconcile: in sync";
        }, TimeSpan.FromSeconds(60), () => $"the reconcile's report (lost: {lostMessage}; kept: {keptMessage}; agent log: {h.Agent.Log})");

        Assert.Equal("applied: reconcile: repaired (was missing, recreated); password set (the account had none)", lostMessage);
        Assert.Equal(Enabled, (await AccountAsync(lost))!.First("userAccountControl"));
        Assert.True(await samba.CanBindAsync($"{lost}@example.com", lostPassword), "the recreated account binds with the user's password");
        Assert.Equal(keptPwdLastSet, (await AccountAsync(kept))!.First("pwdLastSet"));
        Assert.True(await samba.CanBindAsync($"{kept}@example.com", keptPassword));
    }

    [Fact]
    public async Task A_password_set_while_the_primary_is_frozen_is_applied_by_an_agent_enrolled_afterwards_once_the_first_is_killed()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var (sam, first) = (Unique("vf"), Password());
        var userId = await h.ControlPlane.Client.CreateUserAsync(sam, "Fail", "Over", first);
        await h.ControlPlane.BindUserAsync(h.DomainId, userId);
        await BindsAsync(h, sam, first);

        // The primary stops acknowledging; the new password is set; only then does a second agent enroll.
        h.Agent.Freeze();
        var second = Password();
        await h.ControlPlane.Client.SetPasswordAsync(userId, second);
        var (standbyId, connectKey) = await h.ControlPlane.CreateConnectKeyAsync(h.DomainId);
        using var temp = new TempDirectory();
        using var standby = new AgentProcess(temp.Sub("agent2"));
        (await standby.TryInstallAsync(h.ControlPlane, samba, connectKey, null)).EnsureSuccess("second agent install");
        standby.Start();
        h.Agent.Kill();

        await Processes.WaitUntilAsync(async () =>
        {
            var json = await h.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{h.DomainId}", null, 200);
            return json["primaryAgent"]?.GetValue<string>() == standbyId;
        }, TimeSpan.FromSeconds(60), () => $"the second agent primary (log: {standby.Log})");
        await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{sam}@example.com", second), TimeSpan.FromSeconds(60),
            () => $"{sam} binds with the password set before the second agent enrolled (log: {standby.Log})");
    }

    [Fact]
    public async Task In_seal_only_mode_a_user_created_with_a_password_and_then_bound_stays_disabled_and_says_password_pending()
    {
        const string adminPassword = "Portal!Seal-Only-Mode-1";
        await using var h = await AgentHarness.StartAsync(samba, controlPlaneSettings: new Dictionary<string, string>
        {
            ["Passwords:Retain"] = "false",
            ["Admin:Username"] = "admin",
            ["Admin:Password"] = adminPassword,
        });
        var sam = Unique("vs");
        var userId = await h.ControlPlane.Client.CreateUserAsync(sam, "Seal", "Only", Password());
        await h.ControlPlane.BindUserAsync(h.DomainId, userId);

        string? message = null;
        await Processes.WaitUntilAsync(async () =>
        {
            message = (await SyncStatusAsync(h, userId))?["message"]?.GetValue<string>();
            return message is not null;
        }, TimeSpan.FromSeconds(60), () => $"the user's syncStatus (agent log: {h.Agent.Log})");
        Assert.Equal("applied: password pending: set a new password in JumpCloud", message);
        Assert.Equal(Disabled, (await AccountAsync(sam))!.First("userAccountControl"));
        Assert.False(File.Exists(Path.Combine(h.ControlPlane.Directory, "password-vault.key")), "seal-only mode keeps no vault key");

        // The portal's row of the user on the domain's Users tab says it too.
        var cookies = await PortalForms.SignInAsync(h.ControlPlane, "admin", adminPassword);
        using (var http = PortalForms.Client(h.ControlPlane, cookies))
        {
            var html = await http.GetStringAsync(new Uri($"/activedirectory/{h.DomainId}?tab=users", UriKind.Relative));
            var start = html.IndexOf($"<tr data-object-id=\"{userId}\"", StringComparison.Ordinal);
            Assert.True(start >= 0, $"the user's row is on the Users tab: {html}");
            var row = html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
            Assert.Contains("password pending: set a new password in JumpCloud", row, StringComparison.Ordinal);
        }

        // A password set now (while bound) still reaches the DC, sealed to the enrolled agent.
        var password = Password();
        await h.ControlPlane.Client.SetPasswordAsync(userId, password);
        await BindsAsync(h, sam, password);
        Assert.Equal(Enabled, (await AccountAsync(sam))!.First("userAccountControl"));
    }
}
