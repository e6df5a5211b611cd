using JumpCloudAdi.ControlPlane.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.UnitTests.ControlPlane.Data;

/// <summary>The enums are stored as the strings these columns always held (no data migration), on the real migrations.</summary>
public sealed class VocabularyStorageTests : IDisposable
{
    private const string Domain = "0123456789abcdef01234567";
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public VocabularyStorageTests() => _connection.Open();

    public void Dispose() => _connection.Dispose();

    private ControlPlaneDb NewDb() => new(new DbContextOptionsBuilder<ControlPlaneDb>().UseSqlite(_connection).Options);

    [Fact]
    public async Task Agent_type_use_case_and_outcome_are_stored_as_their_wire_strings_and_read_back()
    {
        await using (var db = NewDb())
        {
            await db.Database.MigrateAsync();
            db.Domains.Add(new AdDomain { Id = Domain, Domain = "DC=example;DC=com", UseCase = UseCase.TwoWaySync });
            db.Agents.Add(new AgentRecord { Id = "agent-i", DomainId = Domain, AgentType = AgentType.Import, ConnectKeyHash = [1] });
            db.SyncStatuses.Add(new SyncStatusRecord { DomainId = Domain, ObjectId = "user-1", Outcome = SyncOutcomeKind.Skipped });
            db.SyncHistory.Add(new SyncHistoryEntry { DomainId = Domain, ObjectId = "user-1", AgentId = "agent-i", Outcome = SyncOutcomeKind.Failed });
            await db.SaveChangesAsync();
        }

        Assert.Equal("TWOWAYSYNC", Scalar("""SELECT "UseCase" FROM "Domains" """));
        Assert.Equal("IMPORT", Scalar("""SELECT "AgentType" FROM "Agents" """));
        Assert.Equal("skipped", Scalar("""SELECT "Outcome" FROM "SyncStatuses" """));
        Assert.Equal("failed", Scalar("""SELECT "Outcome" FROM "SyncHistory" """));

        // Rows written as before (strings) read as the enums, and queries compare with the stored strings.
        Execute("""UPDATE "Domains" SET "UseCase" = 'ADASAUTHORITY'""");
        Execute("""UPDATE "Agents" SET "AgentType" = 'SYNC'""");
        await using var read = NewDb();
        Assert.Equal(UseCase.AdAsAuthority, (await read.Domains.SingleAsync()).UseCase);
        Assert.Equal(1, await read.Agents.CountAsync(a => a.AgentType == AgentType.Sync));
        Assert.Equal(1, await read.SyncStatuses.CountAsync(s => s.Outcome == SyncOutcomeKind.Skipped));
    }

    private string? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
