using Microsoft.AspNetCore.Authentication.Cookies;

namespace JumpCloudAdi.ControlPlane.Portal.Security;

/// <summary>The portal's cookie sign-in: host-only, HTTPS-only, same-site strict, eight hours sliding.</summary>
public static class PortalAuthentication
{
    public const string Scheme = "Portal";
    public const string CookieName = "__Host-jcadi-portal";
    public const string AntiforgeryCookieName = "__Host-jcadi-af";
    public const string LoginPath = "/login";

    public static void Configure(CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.LoginPath = LoginPath;
        options.LogoutPath = "/logout";
        options.AccessDeniedPath = LoginPath;
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnRedirectToLogin = context =>
        {
            // Script calls (the hub, fragments) get a status, pages get the sign-in redirect.
            if (context.Request.Path.StartsWithSegments(Live.PortalHub.Path) || context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
            else
            {
                context.Response.Redirect(context.RedirectUri);
            }

            return Task.CompletedTask;
        };
    }
}
