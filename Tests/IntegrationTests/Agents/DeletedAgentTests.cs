using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// A session whose agent disappears from the database without this replica being told (deleted through another
/// replica while the signal between them was lost) ends on the heartbeat sweep, and the agent is never granted the
/// lease again.
/// </summary>
public sealed class DeletedAgentTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task A_primary_removed_behind_the_replicas_back_is_disconnected_and_its_lease_is_not_renewed()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("swept")};DC=example;DC=com");
        using var gateway = new GatewayClient(Cp);
        var (_, key) = await Cp.CreateConnectKeyAsync(domainId);
        await using var agent = await RawAgent.EnrollAsync(gateway, key, "swept-host");
        await agent.ConnectAsync("swept-host");
        await agent.WaitForLeaseAsync(TimeSpan.FromSeconds(30));

        // Straight in the database: no API call, so nothing on this replica disconnects the session directly.
        await using (var db = await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync())
        {
            Assert.Equal(1, await db.Agents.Where(a => a.Id == agent.Id).ExecuteDeleteAsync());
        }

        await agent.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(Cp.Services.GetRequiredService<AgentSessions>().IsConnected(agent.Id));
        // The lease it held is not renewed: it lapses and nobody holds the domain.
        await Processes.WaitUntilAsync(async () => await Cp.Client.PrimaryAgentAsync(domainId) is null, TimeSpan.FromSeconds(30), "the lease lapsed");
    }
}
