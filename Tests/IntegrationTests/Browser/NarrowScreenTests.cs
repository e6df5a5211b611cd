using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class NarrowScreenTests(PortalFixture portal)
{
    [Fact]
    public async Task On_a_phone_sized_screen_the_navigation_folds_into_a_keyboard_usable_menu()
    {
        var domainId = await portal.ControlPlane.CreateDomainAsync("DC=mobile;DC=example;DC=net");
        var page = await portal.SignedInPageAsync(width: 390, height: 844);
        await page.GotoAsync($"/activedirectory/{domainId}");
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Expect(menu).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "User Groups", Exact = true })).Not.ToBeInViewportAsync();
        await PortalFixture.ScreenshotAsync(page, "16-narrow-domain");

        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "User Groups", Exact = true })).ToBeInViewportAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(PortalFixture.ScreenshotDirectory, "17-narrow-menu.png"), Animations = ScreenshotAnimations.Disabled });
        await page.Keyboard.PressAsync("Escape");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

        // No sideways scrolling of the page itself; wide tables scroll inside their own box.
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways on a 390 px screen");
        await page.Context.CloseAsync();
    }
}
