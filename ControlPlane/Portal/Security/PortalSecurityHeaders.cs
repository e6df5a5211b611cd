using Microsoft.AspNetCore.Mvc.Filters;

namespace JumpCloudAdi.ControlPlane.Portal.Security;

/// <summary>
/// Headers every portal page carries: a strict content security policy (no inline script or style, same-origin
/// only), no framing, no sniffing, no referrer, and no caching (a connect key is shown exactly once).
/// </summary>
public sealed class PortalSecurityHeaders : IAsyncPageFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        Apply(context.HttpContext.Response.Headers);
        return next();
    }

    public static void Apply(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
