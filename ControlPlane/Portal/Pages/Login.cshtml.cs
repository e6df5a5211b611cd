using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using JumpCloudAdi.ControlPlane.Portal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JumpCloudAdi.ControlPlane.Portal.Pages;

/// <summary>Administrator sign-in with the configured (or generated) portal credentials.</summary>
public sealed class LoginModel(AdminCredentials credentials, LoginThrottle throttle, ILogger<LoginModel> logger) : PageModel
{
    public const string Home = "/activedirectory";

    [BindProperty]
    [Required(ErrorMessage = "Enter your username.")]
    public string? Username { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter your password.")]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        return User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl) : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.BlockedUntil(address) is { } until)
        {
            PortalLog.SignInThrottled(logger, address);
            Error = $"Too many failed sign-in attempts. Try again after {until.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)}.";
            return Page();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!credentials.Verify(Username, Password))
        {
            throttle.Failed(address);
            PortalLog.SignInFailed(logger, address);
            Error = "The username or password is incorrect.";
            return Page();
        }

        throttle.Succeeded(address);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, credentials.Username), new Claim(ClaimTypes.Role, "Administrator")],
            PortalAuthentication.Scheme);
        await HttpContext.SignInAsync(PortalAuthentication.Scheme, new ClaimsPrincipal(identity));
        PortalLog.SignedIn(logger, credentials.Username, address);
        return LocalRedirect(SafeReturnUrl);
    }

    private string SafeReturnUrl => !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : Home;
}
