using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Data.Postgres;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Portal.Security;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.IntegrationTests.Persistence;

/// <summary>
/// The control plane's storage on both providers: SQLite in the host's folder and a real PostgreSQL 15
/// (<see cref="PostgresServer"/>). Everything is written through the real REST API and read back through
/// <see cref="IDbContextFactory{ControlPlaneDb}"/> of the running host.
/// </summary>
public sealed class PersistenceTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_apply_on_an_empty_database(DatabaseProvider provider)
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"), provider: provider);

        await using var db = await DbAsync(host);
        Assert.Equal(provider == DatabaseProvider.Postgres ? typeof(PostgresControlPlaneDb) : typeof(ControlPlaneDb), db.GetType());
        Assert.Contains(provider == DatabaseProvider.Postgres ? "Npgsql" : "Sqlite", db.Database.ProviderName, StringComparison.Ordinal);
        var known = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(known);
        Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes that no migration of this provider covers");

        // Every table exists and starts empty.
        Assert.Equal(0, await db.Domains.CountAsync());
        Assert.Equal(0, await db.Agents.CountAsync());
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Groups.CountAsync());
        Assert.Equal(0, await db.GroupMembers.CountAsync());
        Assert.Equal(0, await db.Associations.CountAsync());
        Assert.Equal(0, await db.Changes.CountAsync());
        Assert.Equal(0, await db.SyncStatuses.CountAsync());

        // Without Admin:Password the generated portal password's hash is a setting, beside the organization's generated
        // id; the portal's key ring is there too (created when the host starts).
        Assert.Equal([JumpCloudAdi.ControlPlane.Api.Organization.IdSetting, AdminCredentials.PasswordHashSetting],
            (await db.Settings.Select(s => s.Name).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Single(await db.DataProtectionKeys.ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Control_planes_starting_together_on_one_new_database_all_come_up(DatabaseProvider provider)
    {
        using var temp = new TempDirectory();
        // Not even created yet: on PostgreSQL the first replica creates the database, the others find it.
        var connectionString = provider == DatabaseProvider.Postgres
            ? (await PostgresServer.SharedAsync()).ConnectionString($"replicas_{Guid.NewGuid():N}")
            : $"Data Source={temp.Sub("shared.db")}";
        var settings = new Dictionary<string, string> { ["ConnectionStrings:ControlPlane"] = connectionString };

        // Replicas sharing one database: each runs Migrate at start; the migration lock lets exactly one apply them.
        var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            Task.Run(() => ControlPlaneHost.StartAsync(temp.Sub($"cp{i}"), settings, provider))));
        try
        {
            var domainId = await hosts[0].CreateDomainAsync();
            foreach (var host in hosts)
            {
                await host.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}", null, 200);
                await using var db = await DbAsync(host);
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Domain_user_and_association_survive_a_restart(DatabaseProvider provider)
    {
        using var temp = new TempDirectory();
        string domainId, userId;
        await using (var first = await ControlPlaneHost.StartAsync(temp.Sub("cp"), provider: provider))
        {
            domainId = await first.CreateDomainAsync("DC=persist;DC=example;DC=com");
            userId = await first.CreateUserAsync("ada.lovelace", "Ada", "Lovelace");
            await first.BindUserAsync(domainId, userId);
        }

        await using var second = await ControlPlaneHost.StartAsync(temp.Sub("cp"), provider: provider);
        Assert.Equal(provider, second.Provider);
        var domain = await second.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}", null, 200);
        Assert.Equal("DC=persist;DC=example;DC=com", domain["domain"]!.GetValue<string>());
        var user = await second.MustAsync(HttpMethod.Get, $"/api/systemusers/{userId}", null, 200);
        Assert.Equal("ada.lovelace", user["username"]!.GetValue<string>());
        Assert.Equal("Lovelace", user["lastname"]!.GetValue<string>());
        var associations = await second.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/associations?targets=user", null, 200);
        Assert.Equal([userId], associations.AsArray().Select(a => a!["to"]!["id"]!.GetValue<string>()));

        await using var db = await DbAsync(second);
        var changes = await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).ToListAsync();
        Assert.NotEmpty(changes);
        Assert.Contains(changes, c => c.Payload.Contains("ada.lovelace", StringComparison.Ordinal));
        Assert.Equal(changes[^1].Seq, (await db.Domains.SingleAsync(d => d.Id == domainId)).LastSeq);

        // The restarted control plane keeps counting where the first one stopped.
        var next = await second.CreateUserAsync("grace.hopper", "Grace", "Hopper");
        await second.BindUserAsync(domainId, next);
        await using var after = await DbAsync(second);
        var seqs = await after.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Seq).ToListAsync();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.True(seqs.Count > changes.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Change_log_sequence_stays_gapless_under_parallel_associations(DatabaseProvider provider)
    {
        const int Parallel = 20;
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"), provider: provider);
        var domainId = await host.CreateDomainAsync();
        var users = new List<(string Id, string Username)>();
        for (var i = 0; i < Parallel; i++)
        {
            var username = $"par.user{i:00}";
            users.Add((await host.CreateUserAsync(username, "Par", $"User{i:00}"), username));
        }

        var responses = await Task.WhenAll(users.Select(u => host.SendAsync(HttpMethod.Post,
            $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user", id = u.Id })));
        Assert.All(responses, r => Assert.True(r.Status == 204, $"association returned {r.Status}: {r.Body?.ToJsonString()}"));

        await using var db = await DbAsync(host);
        var changes = await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).ToListAsync();
        // One row per sequence number, 1..n without gaps or duplicates, and the domain's counter at n.
        Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => (long)i), changes.Select(c => c.Seq));
        Assert.Equal(changes.Count, await db.Changes.Where(c => c.DomainId == domainId).Select(c => c.Seq).Distinct().CountAsync());
        Assert.Equal(changes.Count, (await db.Domains.SingleAsync(d => d.Id == domainId)).LastSeq);
        // Every bound user is in exactly one entry (its upsert), and every association is stored once.
        Assert.Equal(Parallel, changes.Count);
        Assert.All(users, u => Assert.Single(changes, c => c.Payload.Contains($"\"{u.Username}\"", StringComparison.Ordinal)));
        Assert.Equal(users.Select(u => u.Id).Order(StringComparer.Ordinal),
            await db.Associations.Where(a => a.DomainId == domainId && a.TargetType == AssociationTypes.User)
                .Select(a => a.TargetId).OrderBy(id => id).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Failed_request_leaves_neither_association_nor_change_entry(DatabaseProvider provider)
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"), provider: provider);
        var domainId = await host.CreateDomainAsync();
        var bound = await host.CreateUserAsync("bound.user", "Bound", "User");
        await host.BindUserAsync(domainId, bound);
        var nameless = (await host.MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username = "no.lastname", email = "no.lastname@example.com", firstname = "No" }, 200))["_id"]!.GetValue<string>();
        var (changesBefore, lastSeqBefore) = await ChangeCountsAsync(host, domainId);
        Assert.True(changesBefore > 0);

        // Binding a user without a last name is refused...
        var (status, body) = await host.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations",
            new { op = "add", type = "user", id = nameless });
        Assert.Equal(400, status);
        Assert.Contains("lastname", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // ...and so is clearing the last name of a bound user.
        (status, _) = await host.SendAsync(HttpMethod.Put, $"/api/systemusers/{bound}", new { lastname = "" });
        Assert.Equal(400, status);

        await using var db = await DbAsync(host);
        Assert.False(await db.Associations.AnyAsync(a => a.TargetId == nameless));
        Assert.Equal("User", (await db.Users.SingleAsync(u => u.Id == bound)).Lastname);
        Assert.Equal((changesBefore, lastSeqBefore), await ChangeCountsAsync(host, domainId));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Conditional_updates_for_connect_keys_and_leases_hold_under_races(DatabaseProvider provider)
    {
        using var temp = new TempDirectory();
        // A lease long enough that a stalled machine cannot let it expire mid-test (expiry is covered by unit tests).
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"), new Dictionary<string, string> { ["Agents:LeaseSeconds"] = "3600" }, provider);
        var domainId = await host.CreateDomainAsync();
        var (_, connectKey) = await host.CreateConnectKeyAsync(domainId);

        // One connect key, ten enrollments at once, each in its own scope (its own connection): exactly one wins.
        var enrollments = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            using var scope = host.Services.CreateScope();
            var keys = scope.ServiceProvider.GetRequiredService<ConnectKeyService>();
            return (await keys.EnrollAsync(connectKey, $"host{i}", "linux", "1.0", null, CancellationToken.None)).Failure;
        })));
        Assert.Single(enrollments, f => f == EnrollFailure.None);
        Assert.All(enrollments.Where(f => f != EnrollFailure.None), f => Assert.Equal(EnrollFailure.UsedKey, f));

        // Two enrolled SYNC agents race for the lease: one epoch is granted; stale epochs can neither renew nor move the cursor.
        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            foreach (var id in new[] { "agent-a", "agent-b" })
            {
                db.Agents.Add(new AgentRecord { Id = id, DomainId = domainId, ConnectKeyHash = System.Text.Encoding.UTF8.GetBytes(id), CredentialHash = [1] });
            }

            await db.SaveChangesAsync();
        }

        var grants = await Task.WhenAll(new[] { "agent-a", "agent-b" }.Select(agent => Task.Run(async () =>
        {
            using var scope = host.Services.CreateScope();
            return (agent, epoch: await LeasesOf(scope).TryAcquireAsync(domainId, agent, CancellationToken.None));
        })));
        var winner = Assert.Single(grants, g => g.epoch is not null);
        var epoch = winner.epoch!.Value;
        using (var scope = host.Services.CreateScope())
        {
            var leases = LeasesOf(scope);
            Assert.True(await leases.RenewAsync(domainId, winner.agent, epoch, CancellationToken.None));
            Assert.False(await leases.RenewAsync(domainId, winner.agent, epoch - 1, CancellationToken.None));
            Assert.True(await leases.AdvanceCursorAsync(domainId, winner.agent, epoch, 0, CancellationToken.None));
            Assert.False(await leases.AdvanceCursorAsync(domainId, winner.agent, epoch + 1, 1, CancellationToken.None));
            await leases.ReleaseAsync(domainId, winner.agent, epoch, CancellationToken.None);
            var other = winner.agent == "agent-a" ? "agent-b" : "agent-a";
            Assert.Equal(epoch + 1, await leases.TryAcquireAsync(domainId, other, CancellationToken.None));
        }
    }

    private static LeaseStore LeasesOf(IServiceScope scope) => new(
        scope.ServiceProvider.GetRequiredService<ControlPlaneDb>(),
        scope.ServiceProvider.GetRequiredService<TimeProvider>(),
        scope.ServiceProvider.GetRequiredService<IOptions<AgentsOptions>>());

    private static Task<ControlPlaneDb> DbAsync(ControlPlaneHost host) =>
        host.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();

    private static async Task<(int Changes, long LastSeq)> ChangeCountsAsync(ControlPlaneHost host, string domainId)
    {
        await using var db = await DbAsync(host);
        return (await db.Changes.CountAsync(c => c.DomainId == domainId),
            (await db.Domains.SingleAsync(d => d.Id == domainId)).LastSeq);
    }
}
