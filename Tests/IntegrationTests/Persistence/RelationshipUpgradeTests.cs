using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Persistence;

/// <summary>
/// The upgrade that declares the model's relationships (foreign keys with cascades) on a database the previous schema
/// created: live rows are kept, rows naming a deleted domain, user or group are dropped, and afterwards the database
/// itself removes what belongs to a deleted domain, user or group. On SQLite, or PostgreSQL with
/// <c>JCADI_TEST_DATABASE=Postgres</c>.
/// </summary>
public sealed class RelationshipUpgradeTests
{
    private const string Domain = "6c0000000000000000000d01";
    private const string GoneDomain = "6c0000000000000000000d99";
    private const string User = "6c0000000000000000000001";
    private const string OtherUser = "6c0000000000000000000002";
    private const string GoneUser = "6c0000000000000000000099";
    private const string Group = "6c00000000000000000000a1";
    private const string GoneGroup = "6c00000000000000000000a9";

    [Fact]
    public async Task An_old_database_upgrades_keeping_live_rows_dropping_orphans_and_then_cascades_deletes()
    {
        using var temp = new TempDirectory();
        var directory = temp.Sub("cp");
        System.IO.Directory.CreateDirectory(directory);
        var provider = ControlPlaneHost.DefaultProvider;
        var connectionString = provider == DatabaseProvider.Postgres
            ? await (await PostgresServer.SharedAsync()).EnsureDatabaseAsync(directory)
            : $"Data Source={Path.Combine(directory, "controlplane.db")}";
        var services = new ServiceCollection().AddControlPlaneDatabase(provider, connectionString).BuildServiceProvider();

        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_DeclareRelationships", StringComparison.Ordinal)) - 1];
            db.GetService<IMigrator>().Migrate(before);

            // The columns are the same before and after: only constraints are new, so the model can write the old schema.
            db.Domains.Add(new AdDomain { Id = Domain, Domain = "DC=upgrade;DC=test" });
            db.Users.AddRange(NewUser(User, "kept"), NewUser(OtherUser, "other"));
            db.Groups.Add(new UserGroup { Id = Group, Name = "Kept" });
            foreach (var domainId in new[] { Domain, GoneDomain })
            {
                db.Agents.Add(new AgentRecord { Id = "ae" + domainId[2..], DomainId = domainId, ConnectKeyHash = [.. domainId.Select(c => (byte)c)] });
                db.Associations.Add(new DomainAssociation { DomainId = domainId, TargetType = AssociationTypes.User, TargetId = User });
                db.Changes.Add(new ChangeEntry { DomainId = domainId, Seq = 1, Kind = "UserUpsert", Payload = "{}" });
                db.SyncStatuses.Add(new SyncStatusRecord { DomainId = domainId, ObjectId = User, Outcome = SyncOutcomeKind.Applied });
                db.SyncHistory.Add(new SyncHistoryEntry { DomainId = domainId, ObjectId = User, AgentId = "agent", Outcome = SyncOutcomeKind.Applied });
            }

            db.GroupMembers.AddRange(
                new GroupMember { GroupId = Group, UserId = User },
                new GroupMember { GroupId = Group, UserId = OtherUser },
                new GroupMember { GroupId = Group, UserId = GoneUser },
                new GroupMember { GroupId = GoneGroup, UserId = User });
            db.PasswordVault.AddRange(Vault(User), Vault(GoneUser));
            await db.SaveChangesAsync();
        }

        var settings = new Dictionary<string, string> { ["ConnectionStrings:ControlPlane"] = connectionString, ["Database:Provider"] = provider.ToString() };
        await using var cp = await ControlPlaneHost.StartAsync(directory, settings);
        using (var scope = cp.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            Assert.Equal(Domain, Assert.Single(await db.Agents.Select(a => a.DomainId).ToListAsync()));
            Assert.Equal(Domain, Assert.Single(await db.Associations.Select(a => a.DomainId).ToListAsync()));
            Assert.Equal(Domain, Assert.Single(await db.Changes.Select(c => c.DomainId).ToListAsync()));
            Assert.Equal(Domain, Assert.Single(await db.SyncStatuses.Select(s => s.DomainId).ToListAsync()));
            Assert.Equal(Domain, Assert.Single(await db.SyncHistory.Select(h => h.DomainId).ToListAsync()));
            Assert.Equal([User, OtherUser], (await db.GroupMembers.Select(m => m.UserId).ToListAsync()).Order(StringComparer.Ordinal));
            Assert.Equal(User, Assert.Single(await db.PasswordVault.Select(v => v.UserId).ToListAsync()));

            // The database now refuses a row naming something that does not exist.
            db.GroupMembers.Add(new GroupMember { GroupId = Group, UserId = GoneUser });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        // Deleting only the principal rows: the database's cascades remove everything related to them.
        using (var scope = cp.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
            await db.Users.Where(u => u.Id == User).ExecuteDeleteAsync();
            await db.Domains.Where(d => d.Id == Domain).ExecuteDeleteAsync();
            await db.Groups.Where(g => g.Id == Group).ExecuteDeleteAsync();
            Assert.Equal(0, await db.Agents.CountAsync() + await db.Associations.CountAsync() + await db.Changes.CountAsync()
                + await db.SyncStatuses.CountAsync() + await db.SyncHistory.CountAsync() + await db.GroupMembers.CountAsync()
                + await db.PasswordVault.CountAsync());
            Assert.Equal(OtherUser, Assert.Single(await db.Users.Select(u => u.Id).ToListAsync()));
        }
    }

    private static SystemUser NewUser(string id, string name) => new() { Id = id, Username = name, Email = $"{name}@example.com" };

    private static PasswordVaultEntry Vault(string userId) => new() { UserId = userId, KeyId = "test", WrappedKey = [1], Ciphertext = [2] };
}
