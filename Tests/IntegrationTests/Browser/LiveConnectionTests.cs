using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JumpCloudAdi.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class LiveConnectionTests(PortalFixture portal)
{
    [Fact]
    public async Task Losing_the_live_connection_is_shown_and_on_reconnecting_the_page_catches_up()
    {
        var domainId = await portal.ControlPlane.CreateDomainAsync("DC=live;DC=example;DC=net");
        var page = await portal.SignedInPageAsync();

        // The network between this page and the hub, under the test's control.
        var offline = false;
        var sockets = new List<IWebSocketRoute>();
        await page.RouteAsync(Negotiate(), async route =>
        {
            if (Volatile.Read(ref offline))
            {
                await route.AbortAsync("internetdisconnected");
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        await page.RouteWebSocketAsync(Hub(), socket =>
        {
            if (Volatile.Read(ref offline))
            {
                _ = socket.CloseAsync(new() { Code = 1006, Reason = "offline" });
                return;
            }

            socket.ConnectToServer();
            lock (sockets)
            {
                sockets.Add(socket);
            }
        });

        await page.GotoAsync($"/activedirectory/{domainId}");
        var live = page.Locator("#live-status");
        await Expect(live).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("#live-banner")).ToBeHiddenAsync();

        // The connection drops and stays down: the page says so.
        Volatile.Write(ref offline, true);
        IWebSocketRoute current;
        lock (sockets)
        {
            current = sockets[^1];
        }

        await current.CloseAsync(new() { Code = 4000, Reason = "network lost" });
        await Expect(live).ToHaveAttributeAsync("data-state", "reconnecting");
        await Expect(live).ToHaveTextAsync("Reconnecting…");
        await Expect(page.Locator("#live-banner")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "09-live-connection-lost");

        // Meanwhile an agent is added elsewhere; the page cannot hear about it yet.
        var (agentId, _) = await portal.ControlPlane.CreateConnectKeyAsync(domainId);
        var row = page.Locator($"#agents-table tr[data-agent-id='{agentId}']");
        await Expect(row).ToHaveCountAsync(0);

        // The network comes back: the page reconnects by itself and catches up, without a reload.
        await page.EvaluateAsync("() => { window.portalTestMarker = 'same-document'; }");
        Volatile.Write(ref offline, false);
        await Expect(live).ToHaveAttributeAsync("data-state", RestoredOrLive(), new() { Timeout = 30_000 });
        await Expect(page.Locator("#live-banner")).ToBeHiddenAsync();
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator(".status-label")).ToHaveTextAsync("Awaiting install");
        Assert.Equal("same-document", await page.EvaluateAsync<string>("() => window.portalTestMarker"));
        await PortalFixture.ScreenshotAsync(page, "10-live-connection-restored");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("/portal/hub/negotiate")]
    private static partial Regex Negotiate();

    [GeneratedRegex("/portal/hub")]
    private static partial Regex Hub();

    [GeneratedRegex("^(restored|live)$")]
    private static partial Regex RestoredOrLive();
}
