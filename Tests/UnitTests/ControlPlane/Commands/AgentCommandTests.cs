using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandTestData;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands;

/// <summary>Create (connect key) and delete an agent: success and every refusal, nothing stored on a refusal.</summary>
public sealed class AgentCommandTests : IAsyncLifetime
{
    private readonly CommandHost _host = new();

    public Task InitializeAsync() => SeedAsync(_host);

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task Create_registers_an_unsealed_agent_whose_key_is_stored_only_hashed_and_expires_in_seven_days()
    {
        var result = await _host.RunAsync<CreateAgentCommand, CommandResult<IssuedAgent>>(c => c.ExecuteAsync(DomainA, null, default));

        var issued = result.Value!;
        Assert.StartsWith("jcck_", issued.ConnectKey, StringComparison.Ordinal);
        await using var db = _host.Db();
        var stored = await db.Agents.SingleAsync();
        Assert.Equal((issued.Agent.Id, DomainA, AgentType.Sync, AgentStates.Unsealed), (stored.Id, stored.DomainId, stored.AgentType, stored.State));
        Assert.Equal(SecretHash.Of(issued.ConnectKey), stored.ConnectKeyHash);
        Assert.Equal(_host.Time.GetUtcNow().AddDays(7), stored.KeyExpiresAt);
        Assert.DoesNotContain(issued.ConnectKey, _host.Snapshot(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Missing, AgentType.Sync, CommandErrorKind.NotFound, null)]
    [InlineData(Missing, AgentType.Import, CommandErrorKind.NotFound, null)]
    [InlineData(DomainA, AgentType.Import, CommandErrorKind.Invalid, "importNotAllowed")]
    public async Task Create_refuses_and_stores_nothing(string domainId, AgentType agentType, CommandErrorKind kind, string? status)
    {
        var before = _host.Snapshot();

        var result = await _host.RunAsync<CreateAgentCommand, CommandResult<IssuedAgent>>(c => c.ExecuteAsync(domainId, agentType, default));

        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal(status, result.Error!.Status);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task Delete_revokes_the_agent_releases_its_lease_wakes_the_domain_and_ends_its_session()
    {
        var issued = (await _host.RunAsync<CreateAgentCommand, CommandResult<IssuedAgent>>(c => c.ExecuteAsync(DomainA, null, default))).Value!;
        await using (var db = _host.Db())
        {
            await db.Domains.Where(d => d.Id == DomainA).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.LeaseAgentId, issued.Agent.Id).SetProperty(d => d.LeaseExpiresAt, _host.Time.GetUtcNow().AddSeconds(30)));
        }

        using var session = new CancellationTokenSource();
        using var registration = _host.Sessions.Register(issued.Agent.Id, session);
        var woken = 0;
        using var subscription = _host.Notifier.Subscribe(DomainA, () => woken++);

        var result = await _host.RunAsync<DeleteAgentCommand, CommandResult<string>>(c => c.ExecuteAsync(DomainA, issued.Agent.Id, default));

        Assert.Equal(issued.Agent.Id, result.Value);
        await using var check = _host.Db();
        Assert.False(await check.Agents.AnyAsync());
        var domain = await check.Domains.SingleAsync(d => d.Id == DomainA);
        Assert.Null(domain.LeaseAgentId);
        Assert.Null(domain.LeaseExpiresAt);
        Assert.True(session.IsCancellationRequested);
        Assert.Equal(1, woken);
    }

    [Fact]
    public async Task Delete_through_another_domain_is_not_found_and_leaves_the_agent_and_its_session()
    {
        var issued = (await _host.RunAsync<CreateAgentCommand, CommandResult<IssuedAgent>>(c => c.ExecuteAsync(DomainA, null, default))).Value!;
        using var session = new CancellationTokenSource();
        using var registration = _host.Sessions.Register(issued.Agent.Id, session);
        var before = _host.Snapshot();

        var result = await _host.RunAsync<DeleteAgentCommand, CommandResult<string>>(c => c.ExecuteAsync(DomainB, issued.Agent.Id, default));

        Assert.Equal(CommandErrorKind.NotFound, result.Error?.Kind);
        Assert.Equal("agent not found", result.Error!.Message);
        Assert.Equal(before, _host.Snapshot());
        Assert.False(session.IsCancellationRequested);
    }
}
