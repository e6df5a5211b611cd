using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// The real control plane on real Kestrel: HTTPS on a free 127.0.0.1 port with a certificate from a private CA,
/// and its database: SQLite in that folder (default) or, with <see cref="DatabaseProvider.Postgres"/>, a database of its
/// own on the test process's private PostgreSQL (<see cref="PostgresServer.SharedAsync"/>). Starting again on the same
/// folder reuses the same database, as a restarted control plane would. Clients trust it through the CA, never by
/// switching validation off.
/// </summary>
public sealed class ControlPlaneHost : IAsyncDisposable, IControlPlaneApi
{
    public const string ApiKey = "integration-admin-key-0123456789abcdef";

    private readonly WebApplication _app;

    private ControlPlaneHost(WebApplication app, string directory, TestCertificates certificates, Uri url,
        DatabaseProvider provider, string connectionString)
    {
        _app = app;
        Directory = directory;
        Provider = provider;
        ConnectionString = connectionString;
        Certificates = certificates;
        Url = url;
        Client = new ControlPlaneClient(url, certificates.CaPath, ApiKey);
    }

    public string Directory { get; }
    public TestCertificates Certificates { get; }
    public Uri Url { get; }
    /// <summary>The JumpCloud REST client with the admin key.</summary>
    public ControlPlaneClient Client { get; }

    public HttpClient Api => Client.Http;
    public IServiceProvider Services => _app.Services;
    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>
    /// The provider a host gets when the test does not choose one: <c>JCADI_TEST_DATABASE</c> (<c>Sqlite</c> or
    /// <c>Postgres</c>), SQLite if unset, so a whole suite can be run once more against PostgreSQL.
    /// </summary>
    public static DatabaseProvider DefaultProvider { get; } =
        ControlPlaneDatabase.ParseProvider(Environment.GetEnvironmentVariable("JCADI_TEST_DATABASE"));

    /// <summary>
    /// Starts a control plane on <paramref name="directory"/> with <paramref name="provider"/> (default:
    /// <see cref="DefaultProvider"/>). <paramref name="settings"/> are passed as command-line configuration after the
    /// defaults, so they win (including <c>Database:Provider</c> and <c>ConnectionStrings:ControlPlane</c>).
    /// </summary>
    public static async Task<ControlPlaneHost> StartAsync(string directory, IDictionary<string, string>? settings = null,
        DatabaseProvider? provider = null, CapturedLogs? logs = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        var chosen = provider ?? DefaultProvider;
        if (settings is not null && settings.TryGetValue("Database:Provider", out var configured))
        {
            chosen = ControlPlaneDatabase.ParseProvider(configured);
        }

        string? connectionString = null;
        if (settings is null || !settings.TryGetValue("ConnectionStrings:ControlPlane", out connectionString))
        {
            connectionString = chosen == DatabaseProvider.Postgres
                ? await (await PostgresServer.SharedAsync()).EnsureDatabaseAsync(directory)
                : $"Data Source={Path.Combine(directory, "controlplane.db")}";
        }

        var tls = Path.Combine(directory, "tls");
        var certificates = TestCertificates.CreateOrReuse(tls, "controlplane");
        var args = new List<string>
        {
            "--urls", "https://127.0.0.1:0",
            "--Admin:ApiKey", ApiKey,
            "--Database:Provider", chosen.ToString(),
            "--ConnectionStrings:ControlPlane", connectionString,
            "--Data:Directory", directory,
            "--Logging:LogLevel:Default", "Warning",
            "--Kestrel:Certificates:Default:Path", certificates.CertPath,
            "--Kestrel:Certificates:Default:KeyPath", certificates.KeyPath,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}");
            args.Add(value);
        }

        var app = ControlPlaneApp.Build([.. args], b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null)
            {
                b.Logging.AddProvider(logs);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlPlaneHost(app, directory, certificates, new Uri(address), chosen, connectionString);
    }

    /// <summary>A client with another key (or none), trusting the control plane through its CA.</summary>
    public HttpClient CreateClient(string? apiKey) => new ControlPlaneClient(Url, Certificates.CaPath, apiKey).Http;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        if (Provider == DatabaseProvider.Postgres)
        {
            // Idle pooled connections would otherwise hold server backends (and the database) until they time out.
            using var connection = new NpgsqlConnection(ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }
}
