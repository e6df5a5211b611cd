using System.Text;
using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// Passwords from the vault for a rebuilt domain controller (<c>reconcile --passwords</c>, from the agent's command
/// line), and a password the DC refuses, reported with the DC's own code and text for a user bound after its password
/// was set.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SambaPasswordRestoreTests(SambaDc samba)
{
    private const string People = "OU=People,DC=example,DC=com";

    private static string Password() => $"Rest!{Guid.NewGuid().ToString("N")[..10]}3Kk";

    private async Task<LdapEntry?> AccountAsync(string sam) =>
        (await samba.SearchAsync(People, $"(sAMAccountName={sam})", "userAccountControl")).SingleOrDefault();

    private static async Task<JsonNode?> SyncStatusAsync(AgentHarness h, string userId)
    {
        var users = await h.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{h.DomainId}/users", null, 200);
        return users.AsArray().SingleOrDefault(u => u!["id"]!.GetValue<string>() == userId)?["syncStatus"];
    }

    [Fact]
    public async Task On_a_rebuilt_DC_reconcile_with_passwords_restores_every_account_with_its_current_password()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var users = new List<(string Id, string Sam, string Password)>();
        for (var i = 0; i < 3; i++)
        {
            var (sam, password) = (Unique($"rb{i}"), Password());
            var id = await h.ControlPlane.Client.CreateUserAsync(sam, "Rebuilt", $"Dc{i}", password);
            await h.ControlPlane.BindUserAsync(h.DomainId, id);
            users.Add((id, sam, password));
        }

        foreach (var user in users)
        {
            await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{user.Sam}@example.com", user.Password), TimeSpan.FromSeconds(60),
                () => $"{user.Sam} binds before the rebuild (agent log: {h.Agent.Log})");
        }

        // The DC is rebuilt: a fresh Samba for the same domain. Two accounts are gone; the third came back from an old
        // backup with a stale password (enabled), which a plain reconcile would keep.
        await samba.RebuildAsync();
        var restored = users[2];
        const string stale = "Stale!Backup2019x";
        var dn = $"CN={restored.Sam},{People}";
        await samba.ModifyAsync($"""
            dn: {dn}
            changetype: add
            objectClass: user
            sAMAccountName: {restored.Sam}
            userPrincipalName: {restored.Sam}@example.com
            userAccountControl: 514

            dn: {dn}
            changetype: modify
            replace: unicodePwd
            unicodePwd:: {Convert.ToBase64String(Encoding.Unicode.GetBytes($"\"{stale}\""))}
            -
            replace: userAccountControl
            userAccountControl: 512
            -
            """);
        Assert.True(await samba.CanBindAsync($"{restored.Sam}@example.com", stale));
        Assert.Null(await AccountAsync(users[0].Sam));

        var result = await AgentProcess.CliAsync("reconcile", "--passwords", "--config", h.Agent.ConfigPath);
        Assert.True(result.ExitCode == 0, $"reconcile --passwords exited with {result.ExitCode}: {result.Output}");
        Assert.Contains("every password re-sent", result.Output, StringComparison.Ordinal);

        foreach (var user in users)
        {
            await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{user.Sam}@example.com", user.Password), TimeSpan.FromSeconds(90),
                () => $"{user.Sam} binds with its current password on the rebuilt DC (agent log: {h.Agent.Log})");
            Assert.Equal("512", (await AccountAsync(user.Sam))!.First("userAccountControl"));
        }

        // (Samba still accepts the previous password for a while after a change, so only the current one is asserted:
        // the restored account had only the stale one.)
        string? message = null;
        await Processes.WaitUntilAsync(async () =>
        {
            message = (await SyncStatusAsync(h, restored.Id))?["message"]?.GetValue<string>();
            return message?.EndsWith("password re-sent", StringComparison.Ordinal) == true;
        }, TimeSpan.FromSeconds(30), () => $"the restored account's syncStatus ({message})");
    }

    [Fact]
    public async Task A_password_the_DC_refuses_is_reported_with_its_code_and_text_for_a_user_bound_after_the_password_was_set()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        await samba.SetMinPasswordLengthAsync(14);
        try
        {
            // 11 characters: the control plane's policy (AD's defaults) accepts it, this domain's minimum of 14 does not.
            var sam = Unique("dr");
            const string password = "Abc!2345xyz";
            var userId = await h.ControlPlane.Client.CreateUserAsync(sam, "Refused", "Password", password);
            await h.ControlPlane.BindUserAsync(h.DomainId, userId);

            JsonNode? status = null;
            await Processes.WaitUntilAsync(async () =>
            {
                status = await SyncStatusAsync(h, userId);
                return status?["outcome"]?.GetValue<string>() == "failed";
            }, TimeSpan.FromSeconds(60), () => $"the refusal in the user's syncStatus ({status?.ToJsonString()}; agent log: {h.Agent.Log})");

            Assert.Equal(19, status!["code"]!.GetValue<int>());
            var message = status["message"]!.GetValue<string>();
            Assert.StartsWith("failed: 0000052D: Constraint violation", message, StringComparison.Ordinal);
            Assert.Contains("password is too short", message, StringComparison.Ordinal);
            Assert.Equal("514", (await AccountAsync(sam))!.First("userAccountControl"));
            Assert.False(await samba.CanBindAsync($"{sam}@example.com", password));

            var history = await h.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{h.DomainId}/history?object={userId}", null, 200);
            Assert.Contains(history.AsArray(), e => e!["kind"]!.GetValue<string>() == "PasswordSet" && e["code"]!.GetValue<int>() == 19);
        }
        finally
        {
            await samba.SetMinPasswordLengthAsync(7);
        }
    }
}
