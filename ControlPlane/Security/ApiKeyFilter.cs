using JumpCloudAdi.ControlPlane.Api;

namespace JumpCloudAdi.ControlPlane.Security;

/// <summary>Requires a valid <c>x-api-key</c> on every JumpCloud API call.</summary>
public sealed class ApiKeyFilter(ApiKeyStore keys) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers["x-api-key"].ToString();
        if (!keys.IsValid(presented))
        {
            return JcErrors.Unauthorized();
        }

        return await next(context);
    }
}
