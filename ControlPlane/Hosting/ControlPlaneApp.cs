using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Import;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.ControlPlane.Portal;
using JumpCloudAdi.ControlPlane.Portal.Security;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.ControlPlane.Telemetry;
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
        if (!Directory.Exists(dataDirectory))
        {
            // It will hold the database, the TLS key and the key hashes: the service account's alone.
            Directory.CreateDirectory(dataDirectory);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Https:Url"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        TlsBootstrap.EnsureCertificate(builder, dataDirectory);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http1AndHttp2));

        builder.AddControlPlaneOptions();
        builder.AddPortal();
        builder.AddControlPlaneData(dataDirectory);
        builder.Services.AddGrpc();
        builder.Services.AddControlPlaneHealth();
        builder.AddControlPlaneTelemetry();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new() { Title = "JumpCloud ADI control plane", Version = "v1" });
            o.SchemaFilter<Api.WireEnumSchemaFilter>();
        });
        // Binding failures surface as BadHttpRequestException, which ApiRequestLimits answers in JumpCloud's shape.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddHsts(o =>
        {
            // The control plane serves only HTTPS, on whatever name it is reached by (127.0.0.1 included).
            o.MaxAge = TimeSpan.FromDays(365);
            o.ExcludedHosts.Clear();
        });

        var app = builder.Build();
        // Settings are checked before the database is touched (a key that is too short stops the start here).
        _ = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        app.MigrateDatabase();
        _ = app.Services.GetRequiredService<ApiKeyStore>();
        _ = app.Services.GetRequiredService<Organization>();
        app.PreparePasswordVault();

        app.MapControlPlaneHealth();
        app.UseHsts();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.MapControlPlaneMetrics();
        app.MapJumpCloudApi();
        // MapPortal adds the authentication and authorization middleware; the API's body limit comes after them.
        app.MapPortal();
        app.UseApiRequestLimits("/api");
        app.MapGrpcService<AgentGatewayService>();
        return app;
    }

    private static void AddControlPlaneOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration("Admin").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration("Api").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AgentsOptions>().BindConfiguration("Agents").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ChangeLogOptions>().BindConfiguration("ChangeLog").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ConnectKeysOptions>().BindConfiguration("ConnectKeys").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DataOptions>().BindConfiguration("Data");
        builder.Services.AddOptions<PasswordPolicyOptions>().BindConfiguration("PasswordPolicy").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OrganizationOptions>().BindConfiguration("Organization").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ApiKeyStore>();
        builder.Services.AddApiKeyAuthentication();
        builder.Services.TryAddSingleton<Organization>();
        builder.Services.TryAddSingleton<OrgIdFilter>();
        builder.Services.TryAddSingleton<ChangeNotifier>();
        builder.Services.TryAddSingleton<AgentEvents>();
        builder.Services.TryAddSingleton<AgentSessions>();
        builder.Services.TryAddSingleton<LeaseRenewer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LeaseRenewer>());
        builder.Services.TryAddSingleton<ContactRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ContactRecorder>());
        builder.Services.AddHostedService<SessionWarmup>();
        builder.Services.TryAddSingleton<ReconcileThrottle>();
        builder.Services.TryAddSingleton<ChangeLogPruner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChangeLogPruner>());
        builder.Services.TryAddSingleton<SessionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionSweeper>());
        builder.Services.TryAddScoped<ChangeLog>();
        builder.Services.TryAddScoped<DomainSync>();
        builder.Services.TryAddScoped<PasswordSync>();
        builder.Services.AddOptions<PasswordsOptions>().BindConfiguration("Passwords");
        builder.Services.TryAddSingleton(PasswordKeyProviders.Create);
        builder.Services.TryAddScoped<PasswordVault>();
        builder.Services.TryAddScoped<Reconciler>();
        builder.Services.TryAddScoped<JumpCloudAdi.ControlPlane.Import.ImportCommands>();
        builder.Services.TryAddScoped<JumpCloudAdi.ControlPlane.Import.ImportProcessor>();
        builder.Services.TryAddScoped<ConnectKeyService>();
        builder.Services.AddUserAndGroupCommands();
        builder.Services.AddDomainCommands();
    }

    private static void AddControlPlaneData(this WebApplicationBuilder builder, string dataDirectory)
    {
        var (provider, connectionString) = DatabaseOf(builder.Configuration, dataDirectory);
        builder.Services.AddControlPlaneDatabase(provider, connectionString);
        if (provider == DatabaseProvider.Postgres)
        {
            // Replicas share the database: carry change signals between them (LISTEN/NOTIFY).
            builder.Services.AddSingleton(new PostgresChangeBridge.Settings(connectionString));
            builder.Services.AddSingleton<PostgresChangeBridge>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeBridge>());
        }
    }

    /// <summary>The configured database: <c>Database:Provider</c> and <c>ConnectionStrings:ControlPlane</c> (SQLite in the data folder by default).</summary>
    internal static (DatabaseProvider Provider, string ConnectionString) DatabaseOf(IConfiguration configuration, string dataDirectory)
    {
        var provider = ControlPlaneDatabase.ParseProvider(configuration["Database:Provider"]);
        var connectionString = configuration.GetConnectionString("ControlPlane");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataDirectory, "controlplane.db")}"
                : throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:ControlPlane is not set (e.g. Host=db;Database=controlplane;Username=...;Password=...).");
        }

        return (provider, connectionString);
    }

    /// <summary>
    /// Brings the schema up to date with the provider's migrations and creates the portal's first key (both serialized
    /// across replicas on PostgreSQL).
    /// </summary>
    private static void MigrateDatabase(this WebApplication app) => ControlPlaneDatabase.Migrate(app.Services, PortalKeyRing.EnsureActiveKey);

    /// <summary>
    /// Retaining: opens the key file, generating it at first start. Seal-only: erases whatever a retaining
    /// configuration left in the vault, so nothing recoverable stays at rest.
    /// </summary>
    private static void PreparePasswordVault(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<PasswordsOptions>>().Value.Retain)
        {
            _ = app.Services.GetRequiredService<IPasswordKeyProvider>();
            return;
        }

        using var scope = app.Services.CreateScope();
        PasswordVault.EraseAllAsync(scope.ServiceProvider.GetRequiredService<ControlPlaneDb>(), CancellationToken.None).GetAwaiter().GetResult();
    }

    private static void MapJumpCloudApi(this WebApplication app)
    {
        // Authorization (x-api-key) runs as middleware, before an endpoint reads the request body; then x-org-id: a
        // caller without a valid key learns nothing about the organization.
        var api = app.MapGroup("/api").RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter<OrgIdFilter>()
            .AddEndpointFilter<DryRunFilter>();
        api.MapSystemUsersApi();
        api.MapOrganizationsApi();
        var v2 = api.MapGroup("/v2");
        v2.MapActiveDirectoryApi().MapImportApi();
        v2.MapUserGroupsApi();
        v2.MapGraphApi();
        v2.MapPolicyTemplatesApi();
    }
}
