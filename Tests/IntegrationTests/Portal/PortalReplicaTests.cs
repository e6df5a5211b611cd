using System.Net;
using System.Text.RegularExpressions;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Portal.Security;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JumpCloudAdi.IntegrationTests.Portal;

/// <summary>
/// Portal state shared through the database: a session (cookie and antiforgery token) made on one replica works on
/// another and after a restart, and replicas starting together on an empty database agree on one generated password.
/// </summary>
public sealed partial class PortalReplicaTests
{
    private const string Username = "replica-admin";
    private const string Password = "Replica-Test-Passw0rd!";

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Fact]
    public async Task A_session_made_on_one_replica_loads_pages_and_posts_forms_on_the_other()
    {
        using var temp = new TempDirectory();
        var settings = new Dictionary<string, string>
        {
            ["Admin:Username"] = Username,
            ["Admin:Password"] = Password,
            // Not even created yet: the replicas start together on it, as a fresh deployment would.
            ["ConnectionStrings:ControlPlane"] = (await PostgresServer.SharedAsync()).ConnectionString($"portal_{Guid.NewGuid():N}"),
        };
        var replicas = await Task.WhenAll(new[] { "cp-a", "cp-b" }.Select(name =>
            Task.Run(() => ControlPlaneHost.StartAsync(temp.Sub(name), settings, DatabaseProvider.Postgres))));
        await using var replicaA = replicas[0];
        await using var replicaB = replicas[1];

        // They created one key between them, not one each.
        await using (var db = await replicaB.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync())
        {
            Assert.Single(await db.DataProtectionKeys.ToListAsync());
        }

        var cookies = await PortalForms.SignInAsync(replicaA, Username, Password);
        using var onA = PortalForms.Client(replicaA, cookies);
        using var onB = PortalForms.Client(replicaB, cookies);

        // Replica B accepts A's authentication cookie for a page...
        using (var page = await onB.GetAsync(new Uri(PortalForms.Home, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // ...and A's antiforgery cookie and form token for a post (a 400 would be a token it cannot read).
        var token = await PortalForms.TokenAsync(onA, "/groups");
        using var created = await PortalForms.PostAsync(onB, "/groups?handler=Create", token, new Dictionary<string, string>
        {
            ["NewGroup.Name"] = "replica-portal-group",
            ["NewGroup.Description"] = "created on replica B",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var location = created.Headers.Location?.OriginalString ?? "";
        Assert.StartsWith("/groups/", location, StringComparison.Ordinal);

        // The group is there for both replicas, and B's form token in turn works on A.
        var groupId = location["/groups/".Length..];
        var group = await replicaA.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{groupId}", null, 200);
        Assert.Equal("replica-portal-group", group["name"]!.GetValue<string>());
        var tokenFromB = await PortalForms.TokenAsync(onB, $"/groups/{groupId}");
        using var saved = await PortalForms.PostAsync(onA, $"/groups/{groupId}?handler=Save", tokenFromB, new Dictionary<string, string>
        {
            ["Edit.Name"] = "replica-portal-group",
            ["Edit.Description"] = "saved on replica A",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"/groups/{groupId}", saved.Headers.Location?.OriginalString);
        group = await replicaB.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{groupId}", null, 200);
        Assert.Equal("saved on replica A", group["description"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_session_survives_a_restart(DatabaseProvider provider)
    {
        using var temp = new TempDirectory();
        var credentials = new Dictionary<string, string> { ["Admin:Username"] = Username, ["Admin:Password"] = Password };
        CookieContainer cookies;
        string token;
        await using (var first = await ControlPlaneHost.StartAsync(temp.Sub("cp"), credentials, provider))
        {
            cookies = await PortalForms.SignInAsync(first, Username, Password);
            using var http = PortalForms.Client(first, cookies);
            token = await PortalForms.TokenAsync(http, "/groups");
        }

        await using var second = await ControlPlaneHost.StartAsync(temp.Sub("cp"), credentials, provider);
        using var again = PortalForms.Client(second, cookies);
        using var created = await PortalForms.PostAsync(again, "/groups?handler=Create", token, new Dictionary<string, string>
        {
            ["NewGroup.Name"] = "after-restart",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.StartsWith("/groups/", created.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Sub("cp"), "portal-keys")), "the key ring lives in the database, not the data folder");
    }

    [Fact]
    public async Task Replicas_starting_together_on_an_empty_database_store_and_print_exactly_one_generated_password_and_API_key()
    {
        using var temp = new TempDirectory();
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        // Two replicas' worth of services, each with its own connection pool, on one empty database.
        var replicas = Enumerable.Range(0, 2)
            .Select(_ => new ServiceCollection().AddControlPlaneDatabase(DatabaseProvider.Postgres, connectionString).BuildServiceProvider())
            .ToList();
        try
        {
            ControlPlaneDatabase.Migrate(replicas[0]);

            // Both replicas build their credentials at the same moment, each printing to a console of its own.
            using var start = new Barrier(replicas.Count);
            var started = await Task.WhenAll(replicas.Select((services, i) => Task.Run(() =>
            {
                var console = new StringWriter();
                var keyConsole = new StringWriter();
                var data = Options.Create(new DataOptions { Directory = temp.Sub($"cp{i}") });
                var databases = services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                var credentials = new AdminCredentials(Options.Create(new AdminOptions()), data, databases, console);
                var apiKeys = new ApiKeyStore(Options.Create(new AdminOptions()), data, databases, keyConsole);
                return (Credentials: credentials, Printed: console.ToString(), ApiKeys: apiKeys, PrintedKey: keyConsole.ToString());
            })));

            var printedKey = Assert.Single(started, s => s.PrintedKey.Length > 0).PrintedKey;
            var keyMatch = GeneratedApiKey().Match(printedKey);
            Assert.True(keyMatch.Success, $"unexpected announcement: {printedKey}");
            Assert.All(started, s => Assert.True(s.ApiKeys.IsValid(keyMatch.Groups["key"].Value), "every replica accepts the one printed API key"));

            var printed = Assert.Single(started, s => s.Printed.Length > 0).Printed;
            var match = GeneratedSignIn().Match(printed);
            Assert.True(match.Success, $"unexpected announcement: {printed}");
            Assert.Equal(AdminCredentials.DefaultUsername, match.Groups["user"].Value);
            var password = match.Groups["password"].Value;
            Assert.All(started, s => Assert.True(s.Credentials.Verify(AdminCredentials.DefaultUsername, password),
                "every replica accepts the one printed password"));

            await using (var db = await replicas[0].GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync())
            {
                Assert.Equal([ApiKeyStore.KeyHashSetting, AdminCredentials.PasswordHashSetting], await db.Settings.Select(s => s.Name).OrderBy(n => n).ToListAsync());
            }

            // Real replicas on that database (no Admin:Password either) sign in with it through the login form.
            var settings = new Dictionary<string, string> { ["ConnectionStrings:ControlPlane"] = connectionString };
            await using var replicaA = await ControlPlaneHost.StartAsync(temp.Sub("cp-a"), settings, DatabaseProvider.Postgres);
            await using var replicaB = await ControlPlaneHost.StartAsync(temp.Sub("cp-b"), settings, DatabaseProvider.Postgres);
            foreach (var replica in new[] { replicaA, replicaB })
            {
                var cookies = await PortalForms.SignInAsync(replica, AdminCredentials.DefaultUsername, password);
                using var http = PortalForms.Client(replica, cookies);
                await PortalForms.TokenAsync(http, "/groups");
            }
        }
        finally
        {
            foreach (var services in replicas)
            {
                await services.DisposeAsync();
            }

            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    [Fact]
    public async Task A_password_hash_left_in_the_data_folder_moves_into_the_database()
    {
        using var temp = new TempDirectory();
        var directory = temp.Sub("cp");
        Directory.CreateDirectory(directory);
        var legacyFile = Path.Combine(directory, AdminCredentials.LegacyHashFileName);
        await File.WriteAllTextAsync(legacyFile, ControlPlane.Security.PasswordHasher.Hash(Password) + "\n");

        await using var host = await ControlPlaneHost.StartAsync(directory, provider: DatabaseProvider.Sqlite);
        Assert.False(File.Exists(legacyFile));
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync())
        {
            Assert.True(ControlPlane.Security.PasswordHasher.Verify(Password,
                (await db.Settings.SingleAsync(s => s.Name == AdminCredentials.PasswordHashSetting)).Value));
        }

        var cookies = await PortalForms.SignInAsync(host, AdminCredentials.DefaultUsername, Password);
        using var http = PortalForms.Client(host, cookies);
        await PortalForms.TokenAsync(http, "/groups");
    }

    [Fact]
    public async Task An_API_key_hash_left_in_the_data_folder_moves_into_the_database()
    {
        using var temp = new TempDirectory();
        var directory = temp.Sub("cp");
        Directory.CreateDirectory(directory);
        const string key = "jca_legacy-key-0123456789abcdefghij";
        var legacyFile = Path.Combine(directory, ApiKeyStore.LegacyHashFileName);
        await File.WriteAllTextAsync(legacyFile, Convert.ToHexString(SecretHash.Of(key)) + "\n");
        await using var services = new ServiceCollection()
            .AddControlPlaneDatabase(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "controlplane.db")}").BuildServiceProvider();
        ControlPlaneDatabase.Migrate(services);

        var console = new StringWriter();
        var store = new ApiKeyStore(Options.Create(new AdminOptions()), Options.Create(new DataOptions { Directory = directory }),
            services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>(), console);
        Assert.True(store.IsValid(key));
        Assert.False(store.IsValid(key + "x"));
        Assert.Empty(console.ToString());
        Assert.False(File.Exists(legacyFile));

        // The next start reads it from the database.
        var again = new ApiKeyStore(Options.Create(new AdminOptions()), Options.Create(new DataOptions { Directory = directory }),
            services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>(), console);
        Assert.True(again.IsValid(key));
        Assert.Empty(console.ToString());
    }

    [GeneratedRegex("^Generated admin API key \\(shown once, only its hash is stored\\): (?<key>jca_\\S+)\\r?\\n$")]
    private static partial Regex GeneratedApiKey();

    [GeneratedRegex("^Generated portal sign-in \\(shown once, only its hash is stored\\): username (?<user>\\S+), password (?<password>\\S+)\\r?\\n$")]
    private static partial Regex GeneratedSignIn();
}
