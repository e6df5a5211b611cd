using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class UserAndGroupTests(PortalFixture portal)
{
    [Fact]
    public async Task Users_are_created_validated_suspended_given_passwords_searched_and_grouped_through_the_portal()
    {
        await portal.ControlPlane.CreateDomainAsync("DC=corp;DC=example;DC=org");
        var page = await portal.SignedInPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        // Create, with the API's validation shown beside the field.
        await page.GotoAsync("/users");
        await page.GetByText("Add User").ClickAsync();
        await page.GetByLabel("Username").FillAsync("grace.hopper");
        await page.GetByLabel("Email").FillAsync("not-an-email");
        await page.GetByLabel("First name").FillAsync("Grace");
        await page.GetByLabel("Last name").FillAsync("Hopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save user" }).ClickAsync();
        await Expect(page.Locator("#newuser-email-error")).ToContainTextAsync("valid email address");
        await Expect(page.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Username")).ToHaveValueAsync("grace.hopper");
        await PortalFixture.ScreenshotAsync(page, "11-users-add-error");
        await page.GetByLabel("Email").FillAsync("grace.hopper@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save user" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(UserPage());
        await Expect(page.Locator(".notice.success")).ToHaveTextAsync("User grace.hopper created.");
        var userUrl = page.Url;

        // Suspend and activate.
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Suspended");
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Active");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unlock" })).ToBeDisabledAsync();

        // Passwords: the policy's message inline, then a good one.
        await page.GetByLabel("New password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.Locator("#new-password-error")).ToContainTextAsync("at least");
        await page.GetByLabel("New password").FillAsync("Str0ng-Passw0rd!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Password set");

        // Edit: a username with a space is refused beside the field.
        await page.GetByLabel("Username").FillAsync("grace hopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#edit-username-error")).ToContainTextAsync("without spaces");
        await page.GetByLabel("Username").FillAsync("grace.hopper");
        await page.GetByLabel("Last name").FillAsync("Murray Hopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Changes saved");

        // Bind to a domain directly.
        await page.GetByLabel("Bind to domain").SelectOptionAsync(new SelectOptionValue { Label = "DC=corp;DC=example;DC=org" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Bind", Exact = true }).ClickAsync();
        await Expect(page.Locator("section", new() { HasText = "Active Directory Domains" }).GetByRole(AriaRole.Link, new() { Name = "DC=corp;DC=example;DC=org" })).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "12-user-details");

        // Search.
        await page.GotoAsync("/users");
        await page.GetByLabel("Search users").FillAsync("MURRAY");
        await page.GetByLabel("Search users").PressAsync("Enter");
        await Expect(page.Locator("#users-table")).ToContainTextAsync("grace.hopper");
        await PortalFixture.ScreenshotAsync(page, "13-users-list");
        await page.GotoAsync("/users?q=nobody-by-this-name");
        await Expect(page.GetByText("No user matches your search.")).ToBeVisibleAsync();

        // A group with the user as member, bound to the domain.
        await page.GotoAsync("/groups");
        await page.GetByText("Add User Group").ClickAsync();
        await page.GetByLabel("Name").FillAsync("Bad:Name");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save group" }).ClickAsync();
        await Expect(page.Locator("#newgroup-name-error")).ToContainTextAsync("not allow");
        await page.GetByLabel("Name").FillAsync("Compiler Team");
        await page.GetByLabel("Description (optional)").FillAsync("Language tools");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save group" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(GroupPage());
        await page.GetByLabel("Add user").SelectOptionAsync(new SelectOptionValue { Label = "grace.hopper (Grace Murray Hopper)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(page.Locator("section", new() { HasText = "Members" }).GetByRole(AriaRole.Link, new() { Name = "grace.hopper" })).ToBeVisibleAsync();
        await page.GetByLabel("Bind to domain").SelectOptionAsync(new SelectOptionValue { Label = "DC=corp;DC=example;DC=org" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Bind", Exact = true }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Bound to the domain");
        await PortalFixture.ScreenshotAsync(page, "14-group-details");
        await page.GotoAsync("/groups");
        await Expect(page.Locator("#groups-table")).ToContainTextAsync("Compiler Team");
        await PortalFixture.ScreenshotAsync(page, "15-groups-list");

        // The user page shows the membership; leaving the group works from there.
        await page.GotoAsync(userUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove from Compiler Team" }).ClickAsync();
        await page.Locator("#change-preview").GetByRole(AriaRole.Button, new() { Name = "Remove member" }).ClickAsync();
        await Expect(page.Locator(".notice.success")).ToContainTextAsync("Removed from the group");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("/users/[0-9a-f]{24}$")]
    private static partial Regex UserPage();

    [GeneratedRegex("/groups/[0-9a-f]{24}$")]
    private static partial Regex GroupPage();
}
