using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Domains;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandTestData;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands;

/// <summary>Create, update, delete and reconcile a domain: success and every refusal, nothing stored on a refusal.</summary>
public sealed class DomainCommandTests : IAsyncLifetime
{
    private readonly CommandHost _host = new();

    public Task InitializeAsync() => SeedAsync(_host);

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task Create_stores_the_normalized_dn_with_the_clock_s_time_and_appends_nothing()
    {
        var result = await _host.RunAsync<CreateDomainCommand, CommandResult<AdDomain>>(c => c.ExecuteAsync("DC=Corp;DC=example", null, default));

        Assert.True(result.Succeeded);
        await using var db = _host.Db();
        var stored = await db.Domains.SingleAsync(d => d.Id == result.Value!.Id);
        Assert.Equal(result.Value!.Domain, stored.Domain);
        Assert.Equal("DC=Corp;DC=example", stored.Domain);
        Assert.Equal(UseCase.Unset, stored.UseCase);
        Assert.Equal(_host.Time.GetUtcNow(), stored.CreatedAt);
        Assert.Empty(await EntriesAsync(_host, stored.Id));
    }

    [Theory]
    [InlineData("not a dn", CommandErrorKind.Invalid, "invalidDomain")]
    [InlineData(null, CommandErrorKind.Invalid, "invalidDomain")]
    [InlineData("DC=a;DC=example", CommandErrorKind.Conflict, "duplicateDomain")]
    public async Task Create_refuses_a_bad_or_taken_dn_and_stores_nothing(string? dn, CommandErrorKind kind, string status)
    {
        var before = _host.Snapshot();

        var result = await _host.RunAsync<CreateDomainCommand, CommandResult<AdDomain>>(c => c.ExecuteAsync(dn, null, default));

        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal(status, result.Error!.Status);
        Assert.Equal("domain", result.Error.Field);
        Assert.StartsWith("domain: ", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task Update_changes_dn_and_use_case_and_stamps_the_time()
    {
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await _host.RunAsync<UpdateDomainCommand, CommandResult<AdDomain>>(c => c.ExecuteAsync(DomainA, "DC=c;DC=example", UseCase.TwoWaySync, default));

        Assert.True(result.Succeeded);
        await using var db = _host.Db();
        var stored = await db.Domains.SingleAsync(d => d.Id == DomainA);
        Assert.Equal(("DC=c;DC=example", UseCase.TwoWaySync, _host.Time.GetUtcNow()), (stored.Domain, stored.UseCase, stored.UpdatedAt));
    }

    [Theory]
    [InlineData(Missing, "DC=c;DC=example", null, CommandErrorKind.NotFound, null)]
    [InlineData(DomainA, "nonsense", UseCase.TwoWaySync, CommandErrorKind.Invalid, "invalidDomain")]
    [InlineData(DomainA, "DC=b;DC=example", UseCase.TwoWaySync, CommandErrorKind.Conflict, "duplicateDomain")]
    public async Task Update_refuses_and_stores_nothing(string id, string? dn, UseCase? useCase, CommandErrorKind kind, string? status)
    {
        var before = _host.Snapshot();

        var result = await _host.RunAsync<UpdateDomainCommand, CommandResult<AdDomain>>(c => c.ExecuteAsync(id, dn, useCase, default));

        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal(status, result.Error!.Status);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task Delete_removes_the_domain_and_everything_of_it_and_ends_its_agents_sessions_after_commit()
    {
        await BindAsync(_host, DomainA, AssociationTypes.UserGroup, Engineers);
        await BindAsync(_host, DomainB, AssociationTypes.User, Ada);
        await using (var db = _host.Db())
        {
            db.Agents.Add(new AgentRecord { Id = "agent-a", DomainId = DomainA, ConnectKeyHash = [1] });
            db.Agents.Add(new AgentRecord { Id = "agent-b", DomainId = DomainB, ConnectKeyHash = [2] });
            db.SyncStatuses.Add(new SyncStatusRecord { DomainId = DomainA, ObjectId = Ada, Outcome = SyncOutcomeKind.Applied });
            db.SyncHistory.Add(new SyncHistoryEntry { DomainId = DomainA, ObjectId = Ada, AgentId = "agent-a", Outcome = SyncOutcomeKind.Applied });
            await db.SaveChangesAsync();
        }

        await _host.RunAsync<ReconcileDomainCommand, CommandResult<JumpCloudAdi.ControlPlane.Sync.Reconciler.Range>>(c => c.ExecuteAsync(DomainA, default));
        using var sessionA = new CancellationTokenSource();
        using var sessionB = new CancellationTokenSource();
        using var registrationA = _host.Sessions.Register("agent-a", sessionA);
        using var registrationB = _host.Sessions.Register("agent-b", sessionB);

        var result = await _host.RunAsync<DeleteDomainCommand, CommandResult<AdDomain>>(c => c.ExecuteAsync(DomainA, default));

        Assert.Equal("DC=a;DC=example", result.Value?.Domain);
        await using var check = _host.Db();
        Assert.False(await check.Domains.AnyAsync(d => d.Id == DomainA));
        Assert.False(await check.Agents.AnyAsync(a => a.DomainId == DomainA));
        Assert.False(await check.Associations.AnyAsync(a => a.DomainId == DomainA));
        Assert.False(await check.Changes.AnyAsync(c => c.DomainId == DomainA));
        Assert.False(await check.SyncStatuses.AnyAsync(s => s.DomainId == DomainA));
        Assert.False(await check.SyncHistory.AnyAsync(h => h.DomainId == DomainA));
        Assert.True(sessionA.IsCancellationRequested);
        // The other domain keeps everything.
        Assert.False(sessionB.IsCancellationRequested);
        Assert.True(await check.Agents.AnyAsync(a => a.Id == "agent-b"));
        Assert.True(await check.Associations.AnyAsync(a => a.DomainId == DomainB));
    }

    [Fact]
    public async Task Delete_of_an_unknown_domain_is_not_found_and_changes_nothing()
    {
        var before = _host.Snapshot();

        var result = await _host.RunAsync<DeleteDomainCommand, CommandResult<AdDomain>>(c => c.ExecuteAsync(Missing, default));

        Assert.Equal(CommandErrorKind.NotFound, result.Error?.Kind);
        Assert.Equal("Active Directory instance not found", result.Error!.Message);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task Reconcile_queues_every_reached_user_and_bound_group_once_and_coalesces_while_pending()
    {
        await BindAsync(_host, DomainA, AssociationTypes.UserGroup, Engineers);
        await BindAsync(_host, DomainA, AssociationTypes.User, Ada);

        var first = await _host.RunAsync<ReconcileDomainCommand, CommandResult<JumpCloudAdi.ControlPlane.Sync.Reconciler.Range>>(c => c.ExecuteAsync(DomainA, default));
        var again = await _host.RunAsync<ReconcileDomainCommand, CommandResult<JumpCloudAdi.ControlPlane.Sync.Reconciler.Range>>(c => c.ExecuteAsync(DomainA, default));

        Assert.Equal(new(1, 4, 3), first.Value);
        Assert.Equal(new(1, 4, 3, Pending: true), again.Value);
        Assert.Equal(
            [$"1 UserUpsert {Ada}", $"2 UserUpsert {Alan}", $"3 GroupUpsert {Engineers}", $"4 MembershipSet {Engineers}"],
            await EntriesAsync(_host, DomainA));
    }

    [Fact]
    public async Task Reconcile_of_an_unknown_domain_is_not_found_and_changes_nothing()
    {
        var before = _host.Snapshot();

        var result = await _host.RunAsync<ReconcileDomainCommand, CommandResult<JumpCloudAdi.ControlPlane.Sync.Reconciler.Range>>(c => c.ExecuteAsync(Missing, default));

        Assert.Equal(CommandErrorKind.NotFound, result.Error?.Kind);
        Assert.Equal(before, _host.Snapshot());
    }
}
