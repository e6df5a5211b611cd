using System.Text.Json;
using System.Text.RegularExpressions;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// The API's request body limit (<c>Api:MaxRequestBodyBytes</c>, 64 KiB by default) and its answers to requests the
/// endpoints cannot bind (malformed JSON, a wrong JSON type, a body over the limit, an unparsable parameter): 4xx in
/// JumpCloud's error shape, naming the field, instead of ASP.NET Core's empty-bodied 400. Runs after authentication,
/// so a request without a valid key is refused before any of this reads its body.
/// </summary>
public static partial class ApiRequestLimits
{
    public static void UseApiRequestLimits(this WebApplication app, PathString apiPrefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(c => c.Request.Path.StartsWithSegments(apiPrefix), api => api.Use(async (context, next) =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                await TooLarge(limit).ExecuteAsync(context);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                // Chunked (or lying) bodies: Kestrel stops reading at the limit and the binder reports it below.
                size.MaxRequestBodySize = limit;
            }

            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // Nothing was written yet; the headers set so far (HSTS) stay.
                await Describe(e, limit).ExecuteAsync(context);
                return;
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                // A bug, not the caller's fault: logged in full, answered in JumpCloud's shape without the details.
                UnhandledError(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiRequestLimits)),
                    context.Request.Method, context.Request.Path, e);
                await JcErrors.Of(500, "internal error (logged by the control plane)", "internalError").ExecuteAsync(context);
                return;
            }

            if (!context.Response.HasStarted && context.Response.StatusCode >= 400)
            {
                // An error status with no body yet: the binder gave up quietly (a body cut at the limit is an IOException
                // to it), or routing found no endpoint, which for a body that is not JSON means none accepts its type.
                var status = context.Response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null
                    && context.Request.ContentType is { Length: > 0 } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase)
                    ? StatusCodes.Status415UnsupportedMediaType
                    : context.Response.StatusCode;
                await Describe(status, limit).ExecuteAsync(context);
            }
        }));
    }

    private static IResult TooLarge(long limit) =>
        JcErrors.Of(413, $"body: larger than the {limit} bytes this API accepts (Api:MaxRequestBodyBytes)", "bodyTooLarge");

    private static IResult Describe(int status, long limit) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => TooLarge(limit),
        StatusCodes.Status415UnsupportedMediaType => JcErrors.Of(415, "body: Content-Type must be application/json", "unsupportedMediaType"),
        StatusCodes.Status400BadRequest => JcErrors.BadRequest("request: could not be read", "invalidRequest"),
        _ => JcErrors.Of(status, ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? reason : "request failed"),
    };

    private static IResult Describe(BadHttpRequestException e, long limit)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge || e.InnerException is BadHttpRequestException { StatusCode: 413 })
        {
            return TooLarge(limit);
        }

        if (e.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return JcErrors.Of(415, "body: Content-Type must be application/json", "unsupportedMediaType");
        }

        if (e.InnerException is JsonException json)
        {
            var field = json.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : null;
            if (json is Shared.Vocabulary.WireValueException wrong && !string.IsNullOrEmpty(field))
            {
                // A vocabulary field (useCase, agentType) with a value it never accepted: say which values it takes.
                return Commands.CommandError.NotOneOf(field, wrong.Allowed).ToHttp();
            }

            return string.IsNullOrEmpty(field)
                ? JcErrors.BadRequest("body: not a valid JSON object", "invalidBody")
                : JcErrors.BadRequest($"{field}: wrong type or malformed value (see the API's schema for this field)", "invalidField");
        }

        if (BoundParameter().Match(e.Message) is { Success: true } parameter)
        {
            return JcErrors.BadRequest($"{parameter.Groups["name"].Value}: not a valid value", "invalidParameter");
        }

        return JcErrors.BadRequest("request: could not be read", "invalidRequest");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void UnhandledError(ILogger logger, string method, string path, Exception exception);

    // RequestDelegateFactory: Failed to bind parameter "int? limit" from "abc". / Required parameter "string id" was not provided ...
    [GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex BoundParameter();
}
