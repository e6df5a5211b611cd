using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// Extension: <c>dryRun=true</c> on any mutating call under <c>/api</c> (POST, PUT, PATCH, DELETE) runs it with
/// <see cref="DryRunner"/>: nothing is stored, no agent is woken, and a call that would succeed answers 200 with the
/// <see cref="ChangePreview"/> (per domain, the change entries it would append) instead of its own answer. A call that
/// would fail answers its error as usual. <c>dryRun=false</c> or no parameter: the call runs for real.
/// </summary>
public sealed class DryRunFilter : IEndpointFilter
{
    public const string Parameter = "dryRun";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return await next(context);
        }

        var values = request.Query[Parameter];
        if (values.Count == 0)
        {
            return await next(context);
        }

        if (values.Count != 1 || !bool.TryParse(values[0], out var dryRun))
        {
            return JcErrors.BadRequest($"{Parameter}: must be true or false", "invalidDryRun");
        }

        if (!dryRun)
        {
            return await next(context);
        }

        var runner = context.HttpContext.RequestServices.GetRequiredService<DryRunner>();
        var (result, preview) = await runner.RunAsync(async () => await next(context), StatusOf, context.HttpContext.RequestAborted);
        return StatusOf(result) is >= 200 and < 300 ? TypedResults.Ok(preview) : result;
    }

    private static int StatusOf(object? result) => result is IStatusCodeHttpResult { StatusCode: { } status } ? status : StatusCodes.Status200OK;
}
