using System.Text.RegularExpressions;
using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class ActiveDirectoryTests(PortalFixture portal)
{
    [Fact]
    public async Task A_bad_domain_shows_the_APIs_error_inline_while_typing_and_after_submitting()
    {
        var page = await portal.SignedInPageAsync();
        await page.GetByText("Add Domain").ClickAsync();
        var input = page.GetByLabel("Domain", new() { Exact = true });
        await input.FillAsync("dc=example,dc=com");

        var error = page.Locator("#domain-error");
        await Expect(error).ToContainTextAsync("uses commas; separate components with semicolons");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        // The server's answer (the API's own rule), beside the field, with the value kept for correcting.
        await Expect(page).ToHaveURLAsync(AddHandler());
        await Expect(error).ToContainTextAsync("'dc=example,dc=com' uses commas; separate components with semicolons");
        await Expect(input).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(input).ToHaveValueAsync("dc=example,dc=com");
        await PortalFixture.ScreenshotAsync(page, "02-add-domain-error");

        await input.FillAsync("DC=one");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(error).ToContainTextAsync("at least two DC components");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_agent_installed_with_a_connect_key_from_the_portal_turns_green_live_then_red_when_stopped()
    {
        var page = await portal.SignedInPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add(message.Text);
                }
            }
        };

        // Add the domain through the form.
        await page.GetByText("Add Domain").ClickAsync();
        await page.GetByLabel("Domain", new() { Exact = true }).FillAsync("DC=example;DC=com");
        await Expect(page.Locator("#domain-error")).ToContainTextAsync("example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(DomainPage());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "DC=example;DC=com" })).ToBeVisibleAsync();
        var domainId = DomainPage().Match(page.Url).Groups["id"].Value;
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");

        // Add an agent: its connect key is shown once, with its expiry and a copy button.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Agent" }).ClickAsync();
        var keyField = page.GetByRole(AriaRole.Textbox, new() { Name = "Connect key" });
        var connectKey = await keyField.InputValueAsync();
        Assert.StartsWith("jcck_", connectKey, StringComparison.Ordinal);
        await Expect(page.Locator("#new-key")).ToContainTextAsync("shown only once");
        await Expect(page.Locator("#new-key")).ToContainTextAsync("expires on");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true })).ToBeVisibleAsync();
        var agentId = await keyField.GetAttributeAsync("data-agent-id");
        var row = page.Locator($"#agents-table tr[data-agent-id='{agentId}']");
        await Expect(row).ToHaveAttributeAsync("data-level", "yellow");
        await Expect(row.Locator(".status-label")).ToHaveTextAsync("Awaiting install");
        await PortalFixture.ScreenshotAsync(page, "03-domain-connect-key");

        // Only once: the page without the POST shows no key.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync($"/activedirectory/{domainId}");
        await Expect(other.Locator($"#agents-table tr[data-agent-id='{agentId}']")).ToBeVisibleAsync();
        Assert.Equal(0, await other.Locator("#connect-key").CountAsync());
        Assert.DoesNotContain(connectKey, await other.ContentAsync(), StringComparison.Ordinal);
        await other.CloseAsync();

        // A real agent enrolls with the key: the row turns green and primary without a reload.
        await page.EvaluateAsync("() => { window.portalTestMarker = 'same-document'; }");
        using var agent = new AgentProcess(portal.Temp.Sub($"agent-{Guid.NewGuid():N}"));
        await agent.InstallAsync(portal.ControlPlane, portal.Slapd, connectKey);
        agent.Start();
        await Expect(row).ToHaveAttributeAsync("data-level", "green", new() { Timeout = 60_000 });
        await Expect(row.Locator(".status-label")).ToHaveTextAsync("Connected");
        await Expect(row.Locator("[data-primary]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(row.Locator("[data-cell='hostType']")).ToHaveTextAsync("Member server");
        await Expect(row.Locator("[data-cell='version']")).Not.ToHaveTextAsync("—");
        await Expect(page.Locator($"[data-settings-for='{agentId}']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-primary-name]")).Not.ToHaveTextAsync("None");
        await Expect(page.Locator("#key-used")).ToContainTextAsync("This key has been used");
        await Expect(keyField).ToBeHiddenAsync();
        Assert.Equal("same-document", await page.EvaluateAsync<string>("() => window.portalTestMarker"));
        await PortalFixture.ScreenshotAsync(page, "04-domain-agent-connected");

        // A user bound through the portal syncs, and its outcome arrives live in the activity feed.
        var activity = await page.Context.NewPageAsync();
        await activity.GotoAsync($"/activedirectory/{domainId}?tab=activity");
        await Expect(activity.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        await Expect(activity.Locator("[data-primary-name]")).Not.ToHaveTextAsync("None");
        var users = await page.Context.NewPageAsync();
        users.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await users.GotoAsync("/users");
        await users.GetByText("Add User").ClickAsync();
        await users.GetByLabel("Username").FillAsync("ada.lovelace");
        await users.GetByLabel("Email").FillAsync("ada.lovelace@example.com");
        await users.GetByLabel("First name").FillAsync("Ada");
        await users.GetByLabel("Last name").FillAsync("Lovelace");
        await users.GetByRole(AriaRole.Button, new() { Name = "Save user" }).ClickAsync();
        await Expect(users).ToHaveURLAsync(UserPage());
        await users.GetByLabel("Bind to domain").SelectOptionAsync(new SelectOptionValue { Label = "DC=example;DC=com" });
        await users.GetByRole(AriaRole.Button, new() { Name = "Bind", Exact = true }).ClickAsync();
        await Expect(users.Locator(".notice.success")).ToContainTextAsync("Bound to the domain");

        var feedRow = activity.Locator("#activity-feed tbody tr", new() { HasText = "ada.lovelace" });
        await Expect(feedRow).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(feedRow.Locator("[data-sync-badge]")).ToHaveTextAsync("Synced");
        await PortalFixture.ScreenshotAsync(activity, "05-domain-sync-activity");
        await ThinPath.WaitForEntryAsync(portal.Slapd, agent, "ou=People,dc=example,dc=com", "(uid=ada.lovelace)", "uid");

        await activity.GotoAsync($"/activedirectory/{domainId}?tab=users");
        await Expect(activity.Locator("#bound-users tr", new() { HasText = "ada.lovelace" }).Locator("[data-sync-badge]")).ToHaveTextAsync("Synced");
        await PortalFixture.ScreenshotAsync(activity, "06-domain-users");

        // Stopping the agent turns it red, still without a reload.
        agent.Kill();
        await Expect(row).ToHaveAttributeAsync("data-level", "red", new() { Timeout = 30_000 });
        await Expect(row.Locator(".status-label")).ToHaveTextAsync("Disconnected");
        await Expect(row.Locator("[data-primary]")).ToBeHiddenAsync();
        Assert.Equal("same-document", await page.EvaluateAsync<string>("() => window.portalTestMarker"));
        await PortalFixture.ScreenshotAsync(page, "07-domain-agent-disconnected");
        lock (consoleErrors)
        {
            // No script errors and no content-security-policy violations on the live page.
            Assert.Empty(consoleErrors);
        }

        // The Active Directory list summarizes it.
        await page.GotoAsync("/activedirectory");
        await Expect(page.Locator($"tr[data-domain-id='{domainId}'] .agents-summary")).ToContainTextAsync("1 disconnected");
        await PortalFixture.ScreenshotAsync(page, "08-active-directory-list");

        // Deleting the agent removes it from the table.
        await page.GotoAsync($"/activedirectory/{domainId}");
        await row.GetByRole(AriaRole.Button, new() { NameRegex = DeleteAgent() }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Agent deleted");
        await Expect(page.Locator($"#agents-table tr[data-agent-id='{agentId}']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("/activedirectory\\?handler=Add$")]
    private static partial Regex AddHandler();

    [GeneratedRegex("/activedirectory/(?<id>[0-9a-f]{24})$")]
    private static partial Regex DomainPage();

    [GeneratedRegex("/users/[0-9a-f]{24}$")]
    private static partial Regex UserPage();

    [GeneratedRegex("^Delete agent")]
    private static partial Regex DeleteAgent();
}
