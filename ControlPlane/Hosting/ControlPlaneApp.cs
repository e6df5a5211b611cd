using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Hosting;

/// <summary>Builds the control plane: REST API, gRPC gateway and (later) portal on one HTTPS port.</summary>
public static class ControlPlaneApp
{
    public const string DefaultUrl = "https://*:443";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var dataDirectory = builder.Configuration["Data:Directory"] ?? "data";
        Directory.CreateDirectory(dataDirectory);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Https:Url"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        TlsBootstrap.EnsureCertificate(builder, dataDirectory);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http1AndHttp2));

        builder.AddControlPlaneOptions();
        builder.AddControlPlaneData(dataDirectory);
        builder.Services.AddGrpc();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o => o.SwaggerDoc("v1", new() { Title = "JumpCloud ADI control plane", Version = "v1" }));

        var app = builder.Build();
        app.MigrateDatabase();
        _ = app.Services.GetRequiredService<ApiKeyStore>();

        app.UseSwagger();
        app.UseSwaggerUI();
        app.MapJumpCloudApi();
        app.MapGrpcService<AgentGatewayService>();
        return app;
    }

    private static void AddControlPlaneOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration("Admin");
        builder.Services.AddOptions<AgentsOptions>().BindConfiguration("Agents").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ConnectKeysOptions>().BindConfiguration("ConnectKeys").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DataOptions>().BindConfiguration("Data");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ApiKeyStore>();
        builder.Services.TryAddSingleton<ApiKeyFilter>();
        builder.Services.TryAddSingleton<ChangeNotifier>();
        builder.Services.TryAddSingleton<AgentEvents>();
        builder.Services.TryAddScoped<ChangeLog>();
        builder.Services.TryAddScoped<DomainSync>();
        builder.Services.TryAddScoped<ConnectKeyService>();
    }

    private static void AddControlPlaneData(this WebApplicationBuilder builder, string dataDirectory)
    {
        var connectionString = builder.Configuration.GetConnectionString("ControlPlane")
            ?? $"Data Source={Path.Combine(dataDirectory, "controlplane.db")}";
        builder.Services.AddDbContextFactory<ControlPlaneDb>(o => o.UseSqlite(connectionString, s => s.CommandTimeout(30)));
    }

    private static void MigrateDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        var path = db.Database.GetDbConnection().DataSource;
        if (!string.IsNullOrEmpty(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        db.Database.Migrate();
        // WAL lets agent sessions read while an API request writes.
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    private static void MapJumpCloudApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        api.MapSystemUsersApi();
        var v2 = api.MapGroup("/v2");
        v2.MapActiveDirectoryApi();
        v2.MapUserGroupsApi();
    }
}
