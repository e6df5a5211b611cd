using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace JumpCloudAdi.IntegrationTests.Browser;

/// <summary>
/// The real control plane (with portal credentials), a private slapd for real agents, and Debian's Chromium driven
/// by Playwright. Chromium trusts exactly the control plane's certificate (pinned by its public key), and every
/// test gets a fresh browser context, so cookies never leak between tests.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string AdminUsername = "portal-admin";
    public const string AdminPassword = "Portal-Test-Passw0rd!";

    private readonly TempDirectory _temp = new();
    private IPlaywright? _playwright;

    public SlapdServer Slapd { get; } = new();
    public ControlPlaneHost ControlPlane { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public TempDirectory Temp => _temp;

    /// <summary>Screenshots of the main pages, kept as test artifacts in the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        // Live updates ride on SignalR and heartbeats; on a loaded 2-core machine 5 s (Playwright's default for
        // assertions) is too tight, so assertions wait as long as actions do.
        Assertions.SetDefaultExpectTimeout(15_000);
        await Slapd.InitializeAsync();
        ControlPlane = await ControlPlaneHost.StartAsync(_temp.Sub("cp"), new Dictionary<string, string>
        {
            ["Admin:Username"] = AdminUsername,
            ["Admin:Password"] = AdminPassword,
        });

        using var certificate = X509CertificateLoader.LoadCertificateFromFile(ControlPlane.Certificates.CertPath);
        var spki = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        _playwright = await Playwright.CreateAsync();
        // Playwright launches every browser with a fresh temporary profile (user-data directory) of its own.
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--ignore-certificate-errors-spki-list={spki}",
            ],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = ControlPlane.Url.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A page in a fresh context, signed in through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(int width = 1280, int height = 860)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/activedirectory");
        await page.GetByLabel("Username").FillAsync(AdminUsername);
        await page.GetByLabel("Password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/activedirectory$"));
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (ControlPlane is not null)
        {
            await ControlPlane.DisposeAsync();
        }

        await Slapd.DisposeAsync();
        _temp.Dispose();
    }
}
