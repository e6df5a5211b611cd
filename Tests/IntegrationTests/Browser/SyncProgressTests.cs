using System.Text.Json;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

/// <summary>A 2,000-user reconcile's progress advances live on the domain page and shows in the agent's status.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SyncProgressTests(PortalFixture portal)
{
    private const int UserCount = 2000;

    [Fact]
    public async Task A_2000_user_reconcile_shows_x_of_N_applied_advancing_without_a_reload_and_in_the_agents_status()
    {
        var cp = portal.ControlPlane;
        var domainId = await cp.CreateDomainAsync("DC=progress;DC=example;DC=com");
        var (agentId, connectKey) = await cp.Client.CreateConnectKeyAsync(domainId);
        using var agent = new AgentProcess(portal.Temp.Sub($"agent-{Guid.NewGuid():N}"));
        await agent.InstallAsync(cp, portal.Slapd, connectKey);
        agent.Start();
        await Processes.WaitUntilAsync(async () => await cp.Client.PrimaryAgentAsync(domainId) == agentId, TimeSpan.FromSeconds(60),
            $"agent {agentId} primary (log: {agent.Log})");

        // 2,000 users in one bound group, stored directly (no change-log entries): the reconcile has to create them all.
        var prefix = $"prog{Guid.NewGuid():N}"[..10];
        var groupId = ObjectIds.New(TimeProvider.System);
        var userIds = new List<string>();
        using (var scope = cp.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            db.Groups.Add(new UserGroup { Id = groupId, Name = prefix + "-group" });
            for (var i = 0; i < UserCount; i++)
            {
                var id = ObjectIds.New(TimeProvider.System);
                userIds.Add(id);
                db.Users.Add(new SystemUser { Id = id, Username = $"{prefix}.{i:D4}", Email = $"{prefix}.{i:D4}@example.com", Firstname = "Progress", Lastname = $"User{i:D4}", Created = DateTimeOffset.UtcNow });
                db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = id });
            }

            db.Associations.Add(new DomainAssociation { DomainId = domainId, TargetType = AssociationTypes.UserGroup, TargetId = groupId });
            await db.SaveChangesAsync();
        }

        var page = await portal.SignedInPageAsync();
        await page.GotoAsync($"/activedirectory/{domainId}");
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        // Every value the page shows is recorded as it changes; the marker proves the page was never reloaded.
        await page.EvaluateAsync("""
            () => {
              window.portalTestMarker = 'same-document';
              window.progressSeen = [];
              const text = document.getElementById('progress-text');
              new MutationObserver(() => window.progressSeen.push({ done: Number(text.dataset.done), total: Number(text.dataset.total), text: text.textContent }))
                .observe(text, { attributes: true, childList: true, characterData: true, subtree: true });
            }
            """);

        var range = await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile", new { }, 202);
        var entries = range["toSeq"]!.GetValue<long>() - range["fromSeq"]!.GetValue<long>() + 1;
        Assert.True(entries >= UserCount, $"the reconcile queued {entries} entries");
        var region = page.Locator("#sync-progress");
        await Expect(region).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(region).ToHaveAttributeAsync("data-running", "false", new() { Timeout = 300_000 });
        await Expect(page.Locator("#progress-text")).ToHaveAttributeAsync("data-done", entries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#progress-text")).ToContainTextAsync($"{entries:N0} of {entries:N0} applied");
        await PortalFixture.ScreenshotAsync(page, "20-domain-sync-progress");

        var seen = JsonSerializer.Deserialize<List<Observation>>(await page.EvaluateAsync<JsonElement>("() => window.progressSeen"),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!.Where(o => o.Total > 0).ToList();
        Assert.Equal("same-document", await page.EvaluateAsync<string>("() => window.portalTestMarker"));
        Assert.All(seen, o => Assert.Equal(entries, o.Total));
        var values = seen.Select(o => o.Done).ToList();
        Assert.True(values.Zip(values.Skip(1)).All(p => p.Second >= p.First), $"progress never goes back: {string.Join(", ", values)}");
        Assert.Contains(values, v => v > 0 && v < entries);
        Assert.Contains(seen, o => o.Text.Contains(" applied · ", StringComparison.Ordinal) && o.Text.Contains("/s", StringComparison.Ordinal) && o.Text.Contains("left", StringComparison.Ordinal));
        await ThinPath.WaitForEntryAsync(portal.Slapd, agent, "ou=People,dc=example,dc=com", $"(uid={prefix}.{UserCount - 1:D4})", "uid");

        // The agent's status tells the same run.
        var status = (await AgentProcess.CliAsync("status", "--config", agent.ConfigPath)).EnsureSuccess("status").Output;
        Assert.Contains($"Progress:          last run: {entries:N0} of {entries:N0} applied in ", status, StringComparison.Ordinal);
        await page.Context.CloseAsync();

        // Leave the shared control plane as other tests expect it.
        agent.Kill();
        await cp.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}", null, 200);
        using (var scope = cp.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            await db.GroupMembers.Where(m => m.GroupId == groupId).ExecuteDeleteAsync();
            await db.Groups.Where(g => g.Id == groupId).ExecuteDeleteAsync();
            await db.Users.Where(u => userIds.Contains(u.Id)).ExecuteDeleteAsync();
        }
    }

    private sealed record Observation(long Done, long Total, string Text);
}
