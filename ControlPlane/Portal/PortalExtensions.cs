using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Portal.Live;
using JumpCloudAdi.ControlPlane.Portal.Security;
using JumpCloudAdi.ControlPlane.Portal.Status;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JumpCloudAdi.ControlPlane.Portal;

/// <summary>The admin portal: Razor Pages under <c>Portal/Pages</c>, cookie sign-in, and the live-update hub.</summary>
public static class PortalExtensions
{
    public static void AddPortal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<AdminCredentials>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<SyncActivity>();
        services.TryAddSingleton<SyncProgress>();
        services.TryAddScoped<PortalReader>();
        services.AddHostedService<PortalLiveUpdates>();

        // Cookies and antiforgery tokens stay valid across restarts and across replicas: the key ring lives in the
        // control-plane database (table DataProtectionKeys, resolved through the scoped ControlPlaneDb, which is the
        // PostgresControlPlaneDb on PostgreSQL). The keys are stored unencrypted: the TLS certificate is ECDSA, which
        // ProtectKeysWithCertificate cannot use, and Linux has no DPAPI. Whoever can read the database (or a backup of
        // it) can forge portal sessions, so it needs the same protection as the data folder.
        services.AddDataProtection()
            .SetApplicationName("JumpCloudAdi.ControlPlane")
            .PersistKeysToDbContext<ControlPlaneDb>();
        services.AddAuthentication(PortalAuthentication.Scheme).AddCookie(PortalAuthentication.Scheme, PortalAuthentication.Configure);
        services.AddAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = PortalAuthentication.AntiforgeryCookieName;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/";
        });
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Portal/Pages";
                o.Conventions.AuthorizeFolder("/");
                o.Conventions.AllowAnonymousToPage("/Login");
            })
            .AddMvcOptions(o => o.Filters.Add<PortalSecurityHeaders>())
            // The host may be a test runner rather than this assembly: name where the pages are compiled.
            .AddApplicationPart(typeof(PortalExtensions).Assembly);
        services.AddSignalR();
    }

    public static void MapPortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<AdminCredentials>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = PortalAssets.Locate(app.Environment),
            OnPrepareResponse = c =>
            {
                c.Context.Response.Headers.CacheControl = "no-cache";
                c.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapHub<PortalHub>(PortalHub.Path);
        app.MapGet("/", () => Results.Redirect("/activedirectory")).ExcludeFromDescription();
    }
}
