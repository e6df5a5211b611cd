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
        db.Domains.Add(new AdDomain { Id = Domain, Domain = "DC=example;DC=com" });
        db.SaveChanges();
    }

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
        Assert.False(await Leases(db).AdvanceCursorAsync(Domain, first.Value, 10, default));
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, second!.Value, 10, default));
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
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, epoch, 7, default));
        Assert.True(await Leases(db).AdvanceCursorAsync(Domain, epoch, 3, default));
        Assert.Equal(7, (await db.Domains.AsNoTracking().SingleAsync(d => d.Id == Domain)).AckedSeq);
    }

    public void Dispose() => _connection.Dispose();
}
