using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ImportAgentTests(PortalFixture portal)
{
    [Fact]
    public async Task An_import_agent_added_in_the_portal_turns_green_then_yellow_when_stopped_and_can_be_deleted()
    {
        var group = $"adi{Guid.NewGuid():N}"[..12];
        var uid = $"imp{Guid.NewGuid():N}"[..12];
        await portal.Slapd.AddAsync($"""
            dn: uid={uid},ou=People,dc=example,dc=com
            objectClass: inetOrgPerson
            uid: {uid}
            cn: Imported Person
            givenName: Imported
            sn: Person
            mail: {uid}@example.com

            dn: cn={group},ou=Groups,dc=example,dc=com
            objectClass: groupOfNames
            cn: {group}
            member: uid={uid},ou=People,dc=example,dc=com
            """);
        var domainId = await portal.ControlPlane.CreateDomainAsync($"DC={group};DC=test");
        var page = await portal.SignedInPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        // Importing is not allowed until the configuration says so.
        await page.GotoAsync($"/activedirectory/{domainId}");
        await page.Locator("#update-configuration-link").ClickAsync();
        await Expect(page.Locator("#add-import-agent")).ToBeDisabledAsync();
        await Expect(page.Locator("#no-passwords")).ToContainTextAsync("Passwords are not imported");
        await page.GetByLabel("Manage users and passwords in either system, or both").CheckAsync();
        await page.Locator("#update-configuration").ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Configuration updated");
        await Expect(page.Locator("#current-use-case")).ToHaveAttributeAsync("data-use-case", "TWOWAYSYNC");

        // Add Import Agent: the key is shown once, with the install command for an import agent.
        await page.Locator("#add-import-agent").ClickAsync();
        var keyField = page.GetByRole(AriaRole.Textbox, new() { Name = "Connect key" });
        var connectKey = await keyField.InputValueAsync();
        var agentId = await keyField.GetAttributeAsync("data-agent-id");
        await Expect(page.Locator("#install-command")).ToContainTextAsync("--agent-type import");
        await PortalFixture.ScreenshotAsync(page, "20-import-agent-key");

        using var agent = new AgentProcess(portal.Temp.Sub($"import-{Guid.NewGuid():N}"));
        (await agent.TryInstallAsync(portal.ControlPlane, portal.Slapd, connectKey, new Dictionary<string, string?>
        {
            ["--agent-type"] = "import",
            ["--sync-group-dn"] = null,
            ["--import-group-dn"] = $"CN={group};OU=Groups;DC=example;DC=com",
            ["--poll-seconds"] = "1",
        })).EnsureSuccess("import agent install");
        agent.Start();

        await page.GotoAsync($"/activedirectory/{domainId}");
        var row = page.Locator($"#agents-table tr[data-agent-id='{agentId}']");
        await Expect(row).ToHaveAttributeAsync("data-level", "green", new() { Timeout = 60_000 });
        await Expect(row.Locator(".status-label")).ToHaveTextAsync("Connected");
        // The run's summary is on the domain page (rendered with the page: reload once the agent has reported).
        await Processes.WaitUntilAsync(async () => (await portal.ControlPlane.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/imports", null, 200)).AsArray().Count > 0,
            TimeSpan.FromSeconds(60), () => $"an import run (agent log: {agent.Log})");
        await page.ReloadAsync();
        await Expect(page.Locator("#import-summary [data-cell='created']").Last).ToHaveTextAsync("1");
        await Expect(row).ToHaveAttributeAsync("data-level", "green");
        await PortalFixture.ScreenshotAsync(page, "21-import-agent-connected");

        // Uninstalled (stopped): yellow, never red.
        agent.Kill();
        await Expect(row).ToHaveAttributeAsync("data-level", "yellow", new() { Timeout = 30_000 });
        await Expect(row.Locator(".status-label")).ToHaveTextAsync("No longer active");
        await PortalFixture.ScreenshotAsync(page, "22-import-agent-no-longer-active");

        await row.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Delete agent") }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Agent deleted");
        await Expect(page.Locator($"#agents-table tr[data-agent-id='{agentId}']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
