using Grpc.Core;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>Connect keys over the real gRPC gateway: single use even when raced, distinct refusals, expiry.</summary>
public sealed class ConnectKeyTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task Parallel_enrollments_with_one_key_let_exactly_one_agent_in()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("race")};DC=example;DC=com");
        var (agentId, key) = await Cp.CreateConnectKeyAsync(domainId);
        using var client = new GatewayClient(Cp);
        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                return (await client.EnrollAsync(new EnrollRequest { ConnectKey = key, Hostname = $"host{i}", AgentType = "SYNC" })).AgentId;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                return null;
            }
        });
        var winners = (await Task.WhenAll(attempts)).OfType<string>().ToList();
        Assert.Equal(agentId, Assert.Single(winners));

        var agent = await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents/{agentId}", null, 200);
        Assert.NotEqual("unsealed", agent["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_and_used_keys_get_distinct_errors_that_say_what_to_do()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("keys")};DC=example;DC=com");
        var (_, key) = await Cp.CreateConnectKeyAsync(domainId);
        using var client = new GatewayClient(Cp);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.EnrollAsync(new EnrollRequest { ConnectKey = "jcck_not-a-real-key" }));
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        Assert.Contains("not known", unknown.Status.Detail, StringComparison.Ordinal);

        await client.EnrollAsync(new EnrollRequest { ConnectKey = key });
        var used = await Assert.ThrowsAsync<RpcException>(() => client.EnrollAsync(new EnrollRequest { ConnectKey = key }));
        Assert.Equal(StatusCode.FailedPrecondition, used.StatusCode);
        Assert.Contains("already been used", used.Status.Detail, StringComparison.Ordinal);

        var empty = await Assert.ThrowsAsync<RpcException>(() => client.EnrollAsync(new EnrollRequest()));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
    }

    [Fact]
    public async Task The_agent_command_line_prints_one_sentence_for_a_used_key()
    {
        using var temp = new TempDirectory();
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("cli")};DC=example;DC=com");
        var (_, key) = await Cp.CreateConnectKeyAsync(domainId);
        using (var client = new GatewayClient(Cp))
        {
            await client.EnrollAsync(new EnrollRequest { ConnectKey = key });
        }

        await using var slapd = new SlapdServer();
        await slapd.InitializeAsync();
        using var agent = new AgentProcess(temp.Sub("agent"));
        await agent.InstallAsync(Cp, slapd, key);
        agent.Start();
        // WaitForExit (unlike HasExited) also waits until the process's output has been read to the end.
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the agent giving up on a used key");
        Assert.Equal(3, agent.ExitCode);
        var errorLine = Assert.Single(agent.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("already been used", errorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_expires_after_the_configured_lifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("exp")};DC=example;DC=com");
        await using var scope = Cp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        var options = Options.Create(new ConnectKeysOptions { LifetimeDays = 7 });
        var keys = new ConnectKeyService(db, time, options);

        var (_, fresh) = await keys.IssueAsync(domainId, AgentType.Sync, default);
        var (_, stale) = await keys.IssueAsync(domainId, AgentType.Sync, default);
        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(EnrollFailure.None, (await keys.EnrollAsync(fresh, "h", null, null, null, default)).Failure);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(EnrollFailure.ExpiredKey, (await keys.EnrollAsync(stale, "h", null, null, null, default)).Failure);
        Assert.True(await db.Agents.AnyAsync(a => a.DomainId == domainId && a.KeyConsumedAt == null), "an expired key is not consumed");
    }
}
