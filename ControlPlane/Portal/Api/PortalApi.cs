using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace JumpCloudAdi.ControlPlane.Portal.Api;

/// <summary>
/// Runs the JumpCloud REST API's own handlers in-process, so every portal action goes through exactly the API's
/// validation, transactions and change log. The handler is rebuilt from the endpoint's metadata, outside the
/// <c>x-api-key</c> authorization: the portal's caller is authenticated by its session cookie and antiforgery token instead,
/// and the browser never needs the API key.
/// </summary>
public sealed class PortalApi(EndpointDataSource endpoints, IServiceScopeFactory scopes, IServiceProvider services)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, RequestDelegate?> _handlers = new();

    /// <summary>True when the API has an endpoint with this operation id (e.g. <c>activedirectories_agentsDelete</c>).</summary>
    public bool Has(string operationId) => Handler(operationId) is not null;

    public async Task<ApiOutcome> SendAsync(string operationId, object? routeValues = null, object? body = null, CancellationToken ct = default) =>
        await SendAsync(operationId, routeValues, body, query: null, ct);

    /// <summary>As the other overload, with a query string (e.g. <c>?passwords=true</c>).</summary>
    public async Task<ApiOutcome> SendAsync(string operationId, object? routeValues, object? body, string? query, CancellationToken ct)
    {
        var handler = Handler(operationId)
            ?? throw new InvalidOperationException($"The JumpCloud API has no endpoint named {operationId}.");
        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.RequestAborted = ct;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("portal.internal");
        if (!string.IsNullOrEmpty(query))
        {
            context.Request.QueryString = new QueryString(query);
        }

        foreach (var (key, value) in new RouteValueDictionary(routeValues))
        {
            context.Request.RouteValues[key] = value;
        }

        if (body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, _json);
            context.Request.Method = HttpMethods.Post;
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection());
        }

        using var response = new MemoryStream();
        context.Response.Body = response;
        await handler(context);
        var json = response.Length == 0 ? default : JsonDocument.Parse(response.ToArray()).RootElement.Clone();
        return new ApiOutcome(context.Response.StatusCode, json);
    }

    private RequestDelegate? Handler(string operationId) => _handlers.GetOrAdd(operationId, id =>
    {
        var endpoint = endpoints.Endpoints.OfType<RouteEndpoint>()
            .FirstOrDefault(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == id);
        if (endpoint?.Metadata.GetMetadata<MethodInfo>() is not { } method)
        {
            return null;
        }

        return RequestDelegateFactory.Create(method, targetFactory: null, new RequestDelegateFactoryOptions
        {
            ServiceProvider = services,
            RouteParameterNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList(),
        }).RequestDelegate;
    });

    private sealed class BodyDetection : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}
