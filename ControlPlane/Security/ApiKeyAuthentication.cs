using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Security;

/// <summary>
/// The JumpCloud REST API's <c>x-api-key</c> authentication: an ASP.NET Core authentication scheme that the API route
/// groups require through <see cref="Policy"/>, so the authorization middleware refuses a request before its endpoint
/// binds (reads) the body. Failed attempts are counted by <see cref="FailedApiKeyLimiter"/>; while a source address
/// or a key prefix is over its budget, every attempt from it is answered 429, the right key included, so the answer
/// tells a guesser nothing.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string Policy = "JumpCloudApiKey";
    public const string HeaderName = "x-api-key";
    public const string BearerPrefix = "Bearer ";

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<FailedApiKeyLimiter>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}

/// <summary>Authenticates <c>x-api-key</c> against <see cref="ApiKeyStore"/>; challenges answer in JumpCloud's error shape.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    FailedApiKeyLimiter limiter)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly object _throttledKey = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[ApiKeyAuthentication.HeaderName].ToString();
        if (presented.Length == 0 && Request.Headers.Authorization.ToString() is { } authorization
            && authorization.StartsWith(ApiKeyAuthentication.BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            // The same key as a bearer token: Prometheus (2.42 and later too) can send only that.
            presented = authorization[ApiKeyAuthentication.BearerPrefix.Length..].Trim();
        }
        var source = Context.Connection.RemoteIpAddress;
        if (limiter.RetryAfter(source, presented) is { } retryAfter)
        {
            Context.Items[_throttledKey] = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("too many failed API key attempts"));
        }

        if (keys.IsValid(presented))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin-api-key")], ApiKeyAuthentication.Scheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyAuthentication.Scheme)));
        }

        limiter.RecordFailure(source, presented);
        return Task.FromResult(presented.Length == 0 ? AuthenticateResult.NoResult() : AuthenticateResult.Fail("wrong API key"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[_throttledKey] is TimeSpan retryAfter)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await JcErrors.Of(429, "Too many failed API key attempts from this address or with this key; retry later").ExecuteAsync(Context);
            return;
        }

        await JcErrors.Unauthorized().ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        JcErrors.Of(403, "Forbidden").ExecuteAsync(Context);
}

/// <summary>
/// Budgets for failed API key attempts (<c>Api:FailedAuthenticationLimit</c> per <c>Api:FailedAuthenticationWindowSeconds</c>),
/// one per source address and one per key prefix (the first <see cref="PrefixLength"/> characters presented, so many
/// addresses guessing the rest of a known prefix share one budget), on <see cref="System.Threading.RateLimiting"/>'s
/// sliding-window limiters. Only failures take permits; a check takes none.
/// </summary>
public sealed class FailedApiKeyLimiter : IDisposable
{
    public const int PrefixLength = 8;

    private readonly PartitionedRateLimiter<string> _bySource;
    private readonly PartitionedRateLimiter<string> _byPrefix;

    public FailedApiKeyLimiter(IOptions<ApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        var window = new SlidingWindowRateLimiterOptions
        {
            PermitLimit = o.FailedAuthenticationLimit,
            Window = TimeSpan.FromSeconds(o.FailedAuthenticationWindowSeconds),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _bySource = PartitionedRateLimiter.Create<string, string>(k => RateLimitPartition.GetSlidingWindowLimiter(k, _ => window));
        _byPrefix = PartitionedRateLimiter.Create<string, string>(k => RateLimitPartition.GetSlidingWindowLimiter(k, _ => window));
    }

    /// <summary>How long to wait when the source or the key prefix has no failures left; null when it may try.</summary>
    public TimeSpan? RetryAfter(IPAddress? source, string presented)
    {
        // The source first: a throttled source never creates prefix partitions.
        foreach (var (limiter, key) in new[] { (_bySource, SourceKey(source)), (_byPrefix, PrefixKey(presented)) })
        {
            using var lease = limiter.AttemptAcquire(key, 0);
            if (!lease.IsAcquired)
            {
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            }
        }

        return null;
    }

    public void RecordFailure(IPAddress? source, string presented)
    {
        _bySource.AttemptAcquire(SourceKey(source)).Dispose();
        _byPrefix.AttemptAcquire(PrefixKey(presented)).Dispose();
    }

    public void Dispose()
    {
        _bySource.Dispose();
        _byPrefix.Dispose();
    }

    private static string SourceKey(IPAddress? source) => source is null ? "" : (source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source).ToString();

    private static string PrefixKey(string presented) => presented.Length <= PrefixLength ? presented : presented[..PrefixLength];
}
