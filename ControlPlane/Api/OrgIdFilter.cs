namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// Refuses a call whose <c>x-org-id</c> names another organization (401 in JumpCloud's error shape, as JumpCloud
/// answers a key used with an organization it does not administer). No header, or an empty one, means this one.
/// </summary>
public sealed class OrgIdFilter(Organization organization) : IEndpointFilter
{
    public const string Header = "x-org-id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[Header];
        if (presented.Count > 1 || (presented.Count == 1 && !string.IsNullOrEmpty(presented[0]) && presented[0] != organization.Id))
        {
            return JcErrors.Of(401, $"Unauthorized: {Header} does not name an organization this API key administers", "invalidOrgId");
        }

        return await next(context);
    }
}
