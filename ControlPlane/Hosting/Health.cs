using System.Text.Json;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JumpCloudAdi.ControlPlane.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is alive and serving (no dependency is checked, so a database outage never gets the
/// process restarted). <c>/readyz</c>: this replica can do its work: the database answers, every migration is applied,
/// and the key ring that protects portal sessions can be used. Both are anonymous and say nothing secret: an
/// orchestrator's probe and a load balancer carry no API key.
/// </summary>
public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddControlPlaneHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready], timeout: TimeSpan.FromSeconds(10))
            .AddCheck<KeyRingCheck>("key-ring", tags: [Ready], timeout: TimeSpan.FromSeconds(10));
        return services;
    }

    public static void MapControlPlaneHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, string>
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description ?? "",
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    /// <summary>The database answers and the schema is the one this build expects.</summary>
    internal sealed class DatabaseCheck(IServiceScopeFactory scopes) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                return pending.Count == 0
                    ? HealthCheckResult.Healthy($"reachable ({db.Database.ProviderName}), schema up to date")
                    : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}; restart a replica to migrate");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The exception's type and message only: never the connection string.
                return HealthCheckResult.Unhealthy($"unreachable: {ex.GetType().Name}: {FirstLine(ex.GetBaseException().Message)}");
            }
        }

        private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
    }

    /// <summary>The Data Protection key ring (kept in the database) can protect and unprotect a value.</summary>
    internal sealed class KeyRingCheck(IDataProtectionProvider protection) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var protector = protection.CreateProtector("JumpCloudAdi.Readiness");
                var probe = Guid.NewGuid().ToString("N");
                return Task.FromResult(protector.Unprotect(protector.Protect(probe)) == probe
                    ? HealthCheckResult.Healthy("portal key ring usable")
                    : HealthCheckResult.Unhealthy("portal key ring returned a different value"));
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or InvalidOperationException or DbUpdateException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"portal key ring unusable: {ex.GetType().Name}"));
            }
        }
    }
}
