using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

/// <summary>The user page's "why" panel for a user whose change no agent can apply yet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WhyPanelTests(PortalFixture portal)
{
    [Fact]
    public async Task A_user_bound_to_a_domain_without_an_agent_is_pending_and_told_to_install_one()
    {
        var cp = portal.ControlPlane;
        var domainId = await cp.CreateDomainAsync("DC=why;DC=example;DC=net");
        var name = $"why{Guid.NewGuid():N}"[..10];
        var userId = await cp.CreateUserAsync(name, "Why", "Pending");
        var groupId = await cp.Client.CreateGroupAsync(name + "-group");
        await cp.Client.AddMemberAsync(groupId, userId);
        await cp.Client.BindGroupAsync(domainId, groupId);
        await cp.Client.BindUserAsync(domainId, userId);

        var page = await portal.SignedInPageAsync();
        await page.GotoAsync($"/users/{userId}");
        var card = page.Locator($"[data-why-domain='{domainId}']");
        await Expect(card.Locator("[data-why='bound']")).ToHaveTextAsync($"Directly and through {name}-group");
        await Expect(card.Locator("[data-why='change']")).ToContainTextAsync("user update");
        await Expect(card.Locator("[data-why='change'] .badge")).ToHaveTextAsync("Pending");
        await Expect(card.Locator("[data-why='outcome']")).ToContainTextAsync("None yet");
        await Expect(card.Locator("[data-why='next']")).ToContainTextAsync("No agent is installed for this domain");
        await Expect(page.Locator("#sync-timeline")).ToContainTextAsync("No sync results yet.");
        await PortalFixture.ScreenshotAsync(page, "21-user-why-pending");

        // An agent that enrolled but is not running: check the service.
        var (_, connectKey) = await cp.Client.CreateConnectKeyAsync(domainId);
        using var agent = new Infrastructure.AgentProcess(portal.Temp.Sub($"agent-{Guid.NewGuid():N}"));
        await agent.InstallAsync(cp, portal.Slapd, connectKey);
        agent.Start();
        await Infrastructure.Processes.WaitUntilAsync(async () => (await cp.Client.AgentsAsync(domainId)).Any(a => a!["hostname"] is not null),
            TimeSpan.FromSeconds(60), $"the agent enrolled (log: {agent.Log})");
        agent.Kill();
        // A change made while it is down stays pending (the agent may have applied the earlier ones before it stopped).
        await cp.MustAsync(HttpMethod.Put, $"/api/systemusers/{userId}", new { lastname = "Stopped" }, 200);
        var next = "";
        await Infrastructure.Processes.WaitUntilAsync(async () =>
        {
            await page.GotoAsync($"/users/{userId}");
            next = await card.Locator("[data-why='next']").InnerTextAsync();
            return next.Contains("No agent of this domain is connected: check the agent service", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), () => $"the why panel telling to check the agent service (shows: {next})");
        await Expect(card.Locator("[data-why='change'] .badge")).ToHaveTextAsync("Pending");
        await page.Context.CloseAsync();
        await cp.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}", null, 200);
    }
}
