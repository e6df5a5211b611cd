using System.Diagnostics;
using JumpCloudAdi.ControlPlane.Security;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace JumpCloudAdi.ControlPlane.Telemetry;

/// <summary>
/// Metrics (OpenTelemetry meters, exported for Prometheus on <c>/metrics</c>) and traces (activity source
/// <see cref="SourceName"/> plus ASP.NET Core's, exported over OTLP only when <c>Telemetry:Otlp:Endpoint</c> is set).
/// <c>/metrics</c> needs the API key (<c>x-api-key</c> or <c>Authorization: Bearer</c>) unless
/// <c>Metrics:ListenUrl</c> names a separate listener, where it is served alone and without a key.
/// </summary>
public static class ControlPlaneTelemetry
{
    public const string SourceName = "JumpCloudAdi.ControlPlane";
    public const string MetricsPath = "/metrics";

    public static readonly ActivitySource Source = new(SourceName);

    public static void AddControlPlaneTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AgentCounters>();
        builder.Services.AddSingleton<ControlPlaneMetrics>();
        var otlp = builder.Configuration["Telemetry:Otlp:Endpoint"];
        var metricsUrl = builder.Configuration["Metrics:ListenUrl"];
        if (!string.IsNullOrWhiteSpace(metricsUrl))
        {
            if (!Uri.TryCreate(metricsUrl, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.AbsolutePath != "/")
            {
                throw new InvalidOperationException($"Metrics:ListenUrl must be an http(s)://host:port URL without a path (it is '{metricsUrl}').");
            }

            var urls = builder.Configuration["urls"];
            builder.WebHost.UseUrls([.. (string.IsNullOrEmpty(urls) ? Hosting.ControlPlaneApp.DefaultUrl : urls).Split(';', StringSplitOptions.RemoveEmptyEntries), metricsUrl]);
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("jumpcloud-adi-controlplane"))
            .WithMetrics(m => m
                .AddMeter(ControlPlaneMetrics.MeterName)
                // The runtime's own series (GC, JIT, thread pool, CPU): dotnet_gc_*, dotnet_jit_*, ...
                .AddMeter("System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            telemetry.WithTracing(t => t
                .AddSource(SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments(MetricsPath))
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
        }
    }

    public static void MapControlPlaneMetrics(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<ControlPlaneMetrics>();
        var metricsUrl = app.Configuration["Metrics:ListenUrl"];
        if (string.IsNullOrWhiteSpace(metricsUrl))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ApiKeyAuthentication.Policy);
            return;
        }

        // A listener of its own: /metrics only, and only there; everything else on that port is a 404.
        var port = new Uri(metricsUrl).Port;
        app.Use(async (context, next) =>
        {
            var onMetricsPort = context.Connection.LocalPort == port;
            if (onMetricsPort != context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
    }
}
