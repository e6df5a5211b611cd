using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class SignInTests(PortalFixture portal)
{
    [Fact]
    public async Task Pages_require_sign_in_a_wrong_password_is_refused_and_the_keyboard_alone_signs_in()
    {
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/users");
        await Expect(page).ToHaveURLAsync(ReturnToUsers());

        await page.GetByLabel("Username").FillAsync(PortalFixture.AdminUsername);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The username or password is incorrect.");
        await PortalFixture.ScreenshotAsync(page, "01-sign-in-error");

        // Keyboard only: focus starts in the username field, Tab moves on, Enter submits.
        await page.GetByLabel("Username").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(PortalFixture.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(UsersPage());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Level = 1 })).ToBeVisibleAsync();

        // The portal session is no API credential: the REST API still wants its key.
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/api/systemusers', { credentials: 'same-origin' })).status");
        Assert.Equal(401, status);

        // A form post without the page's antiforgery token (what a cross-site request would be) is refused.
        var forged = await page.EvaluateAsync<int>("""
            async () => (await fetch('/activedirectory?handler=Add', {
                method: 'POST',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                body: 'NewDomain.Domain=DC%3Dforged%3BDC%3Dexample',
            })).status
            """);
        Assert.Equal(400, forged);

        // Signing out ends the session.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(LoginPage());
        await page.GotoAsync("/activedirectory");
        await Expect(page).ToHaveURLAsync(LoginPage());
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("/login\\?returnUrl=%2Fusers$")]
    private static partial Regex ReturnToUsers();

    [GeneratedRegex("/users$")]
    private static partial Regex UsersPage();

    [GeneratedRegex("/login")]
    private static partial Regex LoginPage();
}
