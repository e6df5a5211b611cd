using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
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
public sealed class ControlPlaneHost : IAsyncDisposable
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
        Api = CreateClient(ApiKey);
    }

    public string Directory { get; }
    public TestCertificates Certificates { get; }
    public Uri Url { get; }
    public HttpClient Api { get; }
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
        DatabaseProvider? provider = null)
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

        var app = ControlPlaneApp.Build([.. args], b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlPlaneHost(app, directory, certificates, new Uri(address), chosen, connectionString);
    }

    public HttpClient CreateClient(string? apiKey)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(Certificates.CaPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        var client = new HttpClient(handler) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }

        return client;
    }

    public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> MustAsync(HttpMethod method, string path, object? body, int expectedStatus)
    {
        var (status, json) = await SendAsync(method, path, body);
        Assert.True(status == expectedStatus, $"{method} {path} returned {status}, expected {expectedStatus}: {json?.ToJsonString()}");
        return json ?? JsonValue.Create("")!;
    }

    public async Task<string> CreateDomainAsync(string domain = "DC=example;DC=com") =>
        (await MustAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain }, 201))["id"]!.GetValue<string>();

    public async Task<(string AgentId, string ConnectKey)> CreateConnectKeyAsync(string domainId)
    {
        var json = await MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { }, 201);
        return (json["id"]!.GetValue<string>(), json["connectKey"]!.GetValue<string>());
    }

    public async Task<string> CreateUserAsync(string username, string first, string last) =>
        (await MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username, email = $"{username}@example.com", firstname = first, lastname = last }, 200))["_id"]!.GetValue<string>();

    public Task BindUserAsync(string domainId, string userId, string op = "add") =>
        MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op, type = "user", id = userId }, 204);

    public async Task<string> CreateGroupAsync(string name) =>
        (await MustAsync(HttpMethod.Post, "/api/v2/usergroups", new { name }, 201))["id"]!.GetValue<string>();

    public Task AddMemberAsync(string groupId, string userId, string op = "add") =>
        MustAsync(HttpMethod.Post, $"/api/v2/usergroups/{groupId}/members", new { op, type = "user", id = userId }, 204);

    public Task BindGroupAsync(string domainId, string groupId, string op = "add") =>
        MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op, type = "user_group", id = groupId }, 204);

    public async Task<JsonArray> AgentsAsync(string domainId) =>
        (await MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents", null, 200)).AsArray();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
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
