using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.ControlPlane.Agents;

/// <summary>The primary lease on a real (in-memory) SQLite database with the real migrations, time faked.</summary>
public sealed class LeaseStoreTests : IDisposable
{
    private const string Domain = "0123456789abcdef01234567";
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly IOptions<AgentsOptions> _options = Options.Create(new AgentsOptions { LeaseSeconds = 4, HeartbeatSeconds = 1 });

    public LeaseStoreTests()
    {
        _connection.Open();
        using var db = NewDb();
        db.Database.Migrate();
        db.Domains.Add(new AdDomain { Id = Domain, Domain = "DC=example;DC=com", LastSeq = 100 });
        foreach (var id in new[] { "agent-a", "agent-b", "agent-0", "agent-1" })
        {
            db.Agents.Add(Agent(id, AgentType.Sync));
        }

        db.Agents.Add(Agent("agent-import", AgentType.Import));
        db.SaveChanges();
    }

    private static AgentRecord Agent(string id, AgentType type) => new()
    {
        Id = id,
        DomainId = Domain,
        AgentType = type,
        ConnectKeyHash = System.Text.Encoding.UTF8.GetBytes(id),
        CredentialHash = [1, 2, 3],
    };

    private ControlPlaneDb NewDb() => new(new DbContextOptionsBuilder<ControlPlaneDb>().UseSqlite(_connection).Options);

    private LeaseStore Leases(ControlPlaneDb db) => new(db, _time, _options);

    [Fact]
    public async Task The_first_agent_gets_epoch_1_and_a_second_is_refused_while_it_is_valid()
    {
        await using var db = NewDb();
        Assert.Equal(1, await Leases(db).TryAcquireAsync(Domain, "agent-a", default));
        Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-b", default));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-b", default));
    }

    [Fact]
    public async Task A_lapsed_lease_goes_to_the_next_agent_with_a_new_epoch_and_the_old_holder_is_fenced()
    {
        await using var db = NewDb();
        var first = await Leases(db).TryAcquireAsync(Domain, "agent-a", default);
        // SQLite keeps times to 0.1 ms; one millisecond past expiry is past it.
        _time.Advance(TimeSpan.FromSeconds(4) + TimeSpan.FromMilliseconds(1));
        var second = await Leases(db).TryAcquireAsync(Domain, "agent-b", default);
        Assert.Equal(first + 1, second);

        Assert.False(await Leases(db).RenewAsync(Domain, "agent-a", first!.Value, default));
        Assert.False(await Leases(db).AdvanceCursorAsync(Domain, "agent-a", first.Value, 10, default));
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, "agent-b", second!.Value, 10, default));
        Assert.Equal(10, (await db.Domains.AsNoTracking().SingleAsync(d => d.Id == Domain)).AckedSeq);
    }

    [Fact]
    public async Task Renewals_keep_the_lease_past_its_original_expiry()
    {
        await using var db = NewDb();
        var epoch = (await Leases(db).TryAcquireAsync(Domain, "agent-a", default))!.Value;
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(await Leases(db).RenewAsync(Domain, "agent-a", epoch, default));
            Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-b", default));
        }
    }

    [Fact]
    public async Task A_released_lease_is_granted_at_once_and_a_stale_release_does_nothing()
    {
        await using var db = NewDb();
        var a = (await Leases(db).TryAcquireAsync(Domain, "agent-a", default))!.Value;
        await Leases(db).ReleaseAsync(Domain, "agent-a", a, default);
        var b = (await Leases(db).TryAcquireAsync(Domain, "agent-b", default))!.Value;
        Assert.Equal(a + 1, b);
        await Leases(db).ReleaseAsync(Domain, "agent-a", a, default);
        Assert.True(await Leases(db).RenewAsync(Domain, "agent-b", b, default));
    }

    [Fact]
    public async Task Two_agents_racing_for_a_free_lease_never_both_win()
    {
        for (var round = 0; round < 20; round++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
            {
                await using var db = NewDb();
                return await Leases(db).TryAcquireAsync(Domain, $"agent-{i}", default);
            }));
            Assert.Single(results, r => r is not null);
        }
    }

    [Fact]
    public async Task The_cursor_never_moves_backwards()
    {
        await using var db = NewDb();
        var epoch = (await Leases(db).TryAcquireAsync(Domain, "agent-a", default))!.Value;
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, "agent-a", epoch, 7, default));
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, "agent-a", epoch, 3, default));
        Assert.Equal(7, (await db.Domains.AsNoTracking().SingleAsync(d => d.Id == Domain)).AckedSeq);
    }

    [Fact]
    public async Task Only_the_holder_moves_the_cursor_for_its_epoch_and_never_past_the_last_entry()
    {
        await using var db = NewDb();
        var epoch = (await Leases(db).TryAcquireAsync(Domain, "agent-a", default))!.Value;
        // Another agent of the domain that knows (or guesses) the epoch is refused.
        Assert.False(await Leases(db).AdvanceCursorAsync(Domain, "agent-b", epoch, 50, default));
        Assert.False(await Leases(db).AdvanceCursorAsync(Domain, "agent-import", epoch, 50, default));
        // The holder itself cannot acknowledge entries that were never handed out.
        Assert.False(await Leases(db).AdvanceCursorAsync(Domain, "agent-a", epoch, 1_000_000_000, default));
        Assert.Equal(0, (await db.Domains.AsNoTracking().SingleAsync(d => d.Id == Domain)).AckedSeq);
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, "agent-a", epoch, 100, default));
        Assert.Equal(100, (await db.Domains.AsNoTracking().SingleAsync(d => d.Id == Domain)).AckedSeq);
    }

    [Fact]
    public async Task An_import_agent_an_unknown_agent_and_an_agent_of_another_domain_never_get_the_lease()
    {
        await using var db = NewDb();
        db.Domains.Add(new AdDomain { Id = "fedcba9876543210fedcba98", Domain = "DC=other;DC=com" });
        var foreign = Agent("agent-foreign", AgentType.Sync);
        foreign.DomainId = "fedcba9876543210fedcba98";
        db.Agents.Add(foreign);
        await db.SaveChangesAsync();

        Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-import", default));
        Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-gone", default));
        Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-foreign", default));
        Assert.Equal(1, await Leases(db).TryAcquireAsync(Domain, "agent-a", default));
    }

    [Fact]
    public async Task A_deleted_holder_cannot_renew_and_a_deleted_agent_is_not_granted_the_lease()
    {
        await using var db = NewDb();
        var epoch = (await Leases(db).TryAcquireAsync(Domain, "agent-a", default))!.Value;
        Assert.True(await Leases(db).RenewAsync(Domain, "agent-a", epoch, default));
        await db.Agents.Where(a => a.Id == "agent-a").ExecuteDeleteAsync();
        Assert.False(await Leases(db).RenewAsync(Domain, "agent-a", epoch, default));
        Assert.False(await Leases(db).AdvanceCursorAsync(Domain, "agent-a", epoch, 5, default));

        // Once its lease lapses, the deleted agent does not get it back; a remaining agent does.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await Leases(db).TryAcquireAsync(Domain, "agent-a", default));
        Assert.Equal(epoch + 1, await Leases(db).TryAcquireAsync(Domain, "agent-b", default));
    }

    public void Dispose() => _connection.Dispose();
}
