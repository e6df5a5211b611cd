using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>Usernames, emails and group names are unique ignoring case, as the directory compares them.</summary>
public sealed class CaseInsensitiveIdentityTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task A_case_variant_of_a_username_or_email_is_409_on_create_and_on_update_and_nothing_is_stored()
    {
        var name = ApiAssert.Unique("caseuser");
        await Cp.CreateUserAsync(name, "Case", "One");
        var count = await CountAsync(db => db.Users.CountAsync());
        var upper = name.ToUpperInvariant();
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username = upper, email = $"other-{name}@example.com" }),
            "duplicateUsername", name);
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username = name + "x", email = $"{upper}@EXAMPLE.COM" }),
            "duplicateEmail");
        Assert.Equal(count, await CountAsync(db => db.Users.CountAsync()));

        var other = await Cp.CreateUserAsync(name + "y", "Case", "Two");
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Put, $"/api/systemusers/{other}", new { username = upper }), "duplicateUsername");
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Put, $"/api/systemusers/{other}", new { email = $"{upper}@example.com" }), "duplicateEmail");
        var unchanged = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers/{other}", null, 200);
        Assert.Equal(name + "y", unchanged["username"]!.GetValue<string>());

        // A user may change the case of its own name.
        var renamed = await Cp.MustAsync(HttpMethod.Put, $"/api/systemusers/{other}", new { username = (name + "y").ToUpperInvariant() }, 200);
        Assert.Equal((name + "y").ToUpperInvariant(), renamed["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_case_variant_of_a_group_name_is_409_on_create_and_on_rename()
    {
        var name = ApiAssert.Unique("CaseGroup");
        await Cp.CreateGroupAsync(name);
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/v2/usergroups", new { name = name.ToLowerInvariant() }), "duplicateName", name);
        var other = await Cp.CreateGroupAsync(name + "2");
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Put, $"/api/v2/usergroups/{other}", new { name = name.ToUpperInvariant() }), "duplicateName");
        await Cp.MustAsync(HttpMethod.Put, $"/api/v2/usergroups/{other}", new { name = (name + "2").ToLowerInvariant() }, 200);
    }

    [Fact]
    public async Task Non_ASCII_names_fold_too()
    {
        var name = "jos\u00e9" + ApiAssert.Unique("")[..6];
        await Cp.CreateUserAsync(name, "Jose", "Accent");
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers",
            new { username = name.ToUpperInvariant(), email = $"x{Guid.NewGuid():N}@example.com" }), "duplicateUsername");
    }

    private async Task<int> CountAsync(Func<ControlPlaneDb, Task<int>> count)
    {
        using var scope = Cp.Services.CreateScope();
        return await count(scope.ServiceProvider.GetRequiredService<ControlPlaneDb>());
    }
}

/// <summary>
/// The upgrade of a database from before case-insensitive names: collisions stop it with a list and change nothing;
/// without them it migrates and folds every key. On SQLite, or PostgreSQL with <c>JCADI_TEST_DATABASE=Postgres</c>.
/// </summary>
public sealed class CaseInsensitiveUpgradeTests
{
    [Fact]
    public async Task An_old_database_with_case_collisions_is_refused_with_a_list_and_left_unchanged_then_upgrades_once_they_are_gone()
    {
        using var temp = new TempDirectory();
        var directory = temp.Sub("cp");
        System.IO.Directory.CreateDirectory(directory);
        var provider = ControlPlaneHost.DefaultProvider;
        var connectionString = provider == DatabaseProvider.Postgres
            ? await (await PostgresServer.SharedAsync()).EnsureDatabaseAsync(directory)
            : $"Data Source={Path.Combine(directory, "controlplane.db")}";
        var services = new ServiceCollection().AddControlPlaneDatabase(provider, connectionString).BuildServiceProvider();

        // The schema as the previous version left it, with two pairs of names that differ only in case.
        string before;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            var migrations = db.Database.GetMigrations().ToList();
            before = migrations[migrations.FindIndex(m => m.EndsWith("_" + IdentityKeyUpgrade.MigrationName, StringComparison.Ordinal)) - 1];
            db.GetService<IMigrator>().Migrate(before);
            // SQLite keeps DateTimeOffset as ticks, PostgreSQL as timestamptz.
            object created = provider == DatabaseProvider.Postgres ? DateTimeOffset.UtcNow : 0L;
            foreach (var (id, username, email) in new[]
                     {
                         ("6b0000000000000000000001", "probecase", "probe@example.com"),
                         ("6b0000000000000000000002", "PROBECASE", "Probe2@example.com"),
                         ("6b0000000000000000000003", "other", "PROBE2@EXAMPLE.COM"),
                         ("6b0000000000000000000004", "jos\u00e9", "jose@example.com"),
                     })
            {
                await db.Database.ExecuteSqlAsync($"""INSERT INTO "Users" ("Id", "Username", "Email", "Firstname", "Lastname", "Suspended", "AccountLocked", "Created") VALUES ({id}, {username}, {email}, '', '', FALSE, FALSE, {created})""");
            }

            await db.Database.ExecuteSqlAsync($"""INSERT INTO "Groups" ("Id", "Name") VALUES ('6b00000000000000000000a1', 'Staff'), ('6b00000000000000000000a2', 'staff'), ('6b00000000000000000000a3', 'Other')""");
        }

        var settings = new Dictionary<string, string> { ["ConnectionStrings:ControlPlane"] = connectionString, ["Database:Provider"] = provider.ToString() };
        var refused = await Assert.ThrowsAsync<IdentityCollisionException>(() => ControlPlaneHost.StartAsync(directory, settings));
        foreach (var expected in new[] { "'probecase' (id 6b0000000000000000000001)", "'PROBECASE' (id 6b0000000000000000000002)", "'Probe2@example.com'",
                     "'PROBE2@EXAMPLE.COM'", "'Staff'", "'staff'", "Nothing was changed" })
        {
            Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("'other'", refused.Message, StringComparison.Ordinal);
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            Assert.Equal(before, (await db.Database.GetAppliedMigrationsAsync()).Last());
            Assert.Equal(["PROBE2@EXAMPLE.COM", "Probe2@example.com", "jose@example.com", "probe@example.com"],
                (await db.Database.SqlQuery<string>($"""SELECT "Email" AS "Value" FROM "Users" ORDER BY "Email" """).ToListAsync()).Order(StringComparer.Ordinal));

            // The operator resolves them; the upgrade then goes through.
            await db.Database.ExecuteSqlAsync($"""UPDATE "Users" SET "Username" = 'probecase2', "Email" = 'probe3@example.com' WHERE "Id" = '6b0000000000000000000002'""");
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "Groups" WHERE "Id" = '6b00000000000000000000a2'""");
        }

        await using (var cp = await ControlPlaneHost.StartAsync(directory, settings))
        {
            using var scope = cp.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            // Folded in .NET: SQL's upper() leaves the accented letter alone on SQLite.
            Assert.Equal(["JOS\u00c9", "OTHER", "PROBECASE", "PROBECASE2"], (await db.Users.Select(u => u.UsernameKey).ToListAsync()).Order(StringComparer.Ordinal));
            Assert.Equal(["OTHER", "STAFF"], (await db.Groups.Select(g => g.NameKey).ToListAsync()).Order(StringComparer.Ordinal));
            ApiAssert.Error(409, await cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username = "ProbeCase", email = "new@example.com" }), "duplicateUsername");
            ApiAssert.Error(409, await cp.SendAsync(HttpMethod.Post, "/api/v2/usergroups", new { name = "STAFF" }), "duplicateName");
        }
    }
}
