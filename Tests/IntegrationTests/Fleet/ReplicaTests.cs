using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.Extensions.DependencyInjection;
using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>Two control-plane replicas on one PostgreSQL database agree on one primary and hand over when one goes away.</summary>
public sealed class ReplicaTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    [Fact]
    public async Task Two_replicas_on_one_PostgreSQL_database_share_the_lease_and_the_change_log()
    {
        using var temp = new TempDirectory();
        var replicaA = await ControlPlaneHost.StartAsync(temp.Sub("cp-a"), provider: DatabaseProvider.Postgres);
        var replicaB = await ControlPlaneHost.StartAsync(temp.Sub("cp-b"), new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ControlPlane"] = replicaA.ConnectionString,
        });
        var replicas = new[] { replicaA, replicaB };
        try
        {
            var domainId = await replicaA.CreateDomainAsync();
            var agents = new List<(string Id, AgentProcess Process, ControlPlaneHost Replica)>();
            foreach (var (replica, i) in replicas.Select((r, i) => (r, i)))
            {
                var (agentId, key) = await replica.CreateConnectKeyAsync(domainId);
                var agent = new AgentProcess(temp.Sub($"agent{i}"));
                await agent.InstallAsync(replica, slapd, key);
                agents.Add((agentId, agent.Start(), replica));
            }

            // Both replicas see the same truth: two active agents and exactly one primary.
            await Processes.WaitUntilAsync(async () =>
                (await replicaB.AgentsAsync(domainId)).Count(a => a!["state"]!.GetValue<string>() == "active") == 2,
                TimeSpan.FromSeconds(60), "both agents active, each on its own replica");
            string? primary = null;
            await Processes.WaitUntilAsync(async () =>
                (primary = await PrimaryAsync(replicaA, domainId)) is not null && primary == await PrimaryAsync(replicaB, domainId),
                TimeSpan.FromSeconds(30), "one primary, the same on both replicas");

            // A change made through the replica the primary is NOT connected to still reaches the directory.
            var holder = agents.Single(a => a.Id == primary);
            var other = replicas.Single(r => r != holder.Replica);
            var first = await other.CreateUserAsync("replica.one", "Rep", "One");
            await other.BindUserAsync(domainId, first);
            await ThinPath.WaitForEntryAsync(slapd, holder.Process, "ou=People,dc=example,dc=com", "(uid=replica.one)", "uid");

            // The primary's replica goes away: the agent on the other replica takes over with a new epoch.
            await holder.Replica.DisposeAsync();
            holder.Process.Kill();
            var survivor = agents.Single(a => a.Id != primary);
            await Processes.WaitUntilAsync(async () => await PrimaryAsync(other, domainId) == survivor.Id, TimeSpan.FromSeconds(30), "failover to the other replica's agent");
            var second = await other.CreateUserAsync("replica.two", "Rep", "Two");
            await other.BindUserAsync(domainId, second);
            await ThinPath.WaitForEntryAsync(slapd, survivor.Process, "ou=People,dc=example,dc=com", "(uid=replica.two)", "uid");
            Assert.Single(await slapd.SearchAsync("ou=People,dc=example,dc=com", "(uid=replica.one)", "uid"));

            foreach (var agent in agents)
            {
                agent.Process.Dispose();
            }
        }
        finally
        {
            foreach (var replica in replicas)
            {
                try
                {
                    await replica.DisposeAsync();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }
    }

    [Fact]
    public async Task A_change_signal_on_one_replica_wakes_the_domains_sessions_on_the_other_through_PostgreSQL()
    {
        using var temp = new TempDirectory();
        // A heartbeat of a minute: sessions would not poll within this test, so only the bridge can wake them.
        var settings = new Dictionary<string, string> { ["Agents:HeartbeatSeconds"] = "60", ["Agents:LeaseSeconds"] = "240" };
        await using var replicaA = await ControlPlaneHost.StartAsync(temp.Sub("cp-a"), settings, DatabaseProvider.Postgres);
        await using var replicaB = await ControlPlaneHost.StartAsync(temp.Sub("cp-b"), new Dictionary<string, string>(settings)
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ControlPlane"] = replicaA.ConnectionString,
        });
        var bridges = new[] { replicaA, replicaB }.Select(r => r.Services.GetRequiredService<PostgresChangeBridge>()).ToList();
        Assert.NotEqual(bridges[0].ReplicaId, bridges[1].ReplicaId);
        await Processes.WaitUntilAsync(() => Task.FromResult(bridges.All(b => b.IsListening)), TimeSpan.FromSeconds(30), "both replicas listening");

        // A real change through replica A's API wakes a subscriber of that domain on replica B.
        var domainId = await replicaA.CreateDomainAsync();
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = replicaB.Services.GetRequiredService<ChangeNotifier>().Subscribe(domainId, () => woken.TrySetResult());
        var user = await replicaA.CreateUserAsync("bridge.user", "Bridge", "User");
        await replicaA.BindUserAsync(domainId, user);
        await woken.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // A's own signals come back from PostgreSQL too, but are not delivered twice on A. PostgreSQL delivers
        // notifications in commit order, so once A has heard B's later signal, A's echo (if any) has arrived before it.
        const string probe = "0123456789abcdef01234567", after = "fedcba9876543210fedcba98";
        var notifierA = replicaA.Services.GetRequiredService<ChangeNotifier>();
        var notifierB = replicaB.Services.GetRequiredService<ChangeNotifier>();
        var wakesOnA = 0;
        using var onA = notifierA.Subscribe(probe, () => Interlocked.Increment(ref wakesOnA));
        var onB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probeOnB = notifierB.Subscribe(probe, () => onB.TrySetResult());
        var backOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var afterOnA = notifierA.Subscribe(after, () => backOnA.TrySetResult());
        notifierA.Signal(probe);
        await onB.Task.WaitAsync(TimeSpan.FromSeconds(20));
        notifierB.Signal(after);
        await backOnA.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, Volatile.Read(ref wakesOnA));
    }

    [Fact]
    public async Task An_agent_deleted_through_one_replica_stops_streaming_on_the_other_and_never_leads_again()
    {
        using var temp = new TempDirectory();
        await using var replicaA = await ControlPlaneHost.StartAsync(temp.Sub("cp-a"), provider: DatabaseProvider.Postgres);
        await using var replicaB = await ControlPlaneHost.StartAsync(temp.Sub("cp-b"), new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ControlPlane"] = replicaA.ConnectionString,
        });
        var domainId = await replicaA.CreateDomainAsync();
        using var gatewayB = new GatewayClient(replicaB);
        var (_, primaryKey) = await replicaA.CreateConnectKeyAsync(domainId);
        var (_, standbyKey) = await replicaA.CreateConnectKeyAsync(domainId);
        await using var primary = await RawAgent.EnrollAsync(gatewayB, primaryKey, "primary-on-b");
        await using var standby = await RawAgent.EnrollAsync(gatewayB, standbyKey, "standby-on-b");

        // Both agents are connected to replica B only; the first leads and streams a change made through replica A.
        await primary.ConnectAsync("primary-on-b");
        await primary.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        await standby.ConnectAsync("standby-on-b");
        var user = await replicaA.CreateUserAsync("replica.deleted", "Rep", "Deleted");
        await replicaA.BindUserAsync(domainId, user);
        await Processes.WaitUntilAsync(() => Task.FromResult(primary.Changes.Any(c => c.UserUpsert?.UserId == user)),
            TimeSpan.FromSeconds(30), "the change streamed to the primary on replica B");

        // Deleted through replica A: its session on replica B ends, and the standby (also on B) takes over.
        await replicaA.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}/agents/{primary.Id}", null, 204);
        await primary.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        await standby.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(standby.Id, await PrimaryAsync(replicaA, domainId));
        Assert.Equal(standby.Id, await PrimaryAsync(replicaB, domainId));

        // The same for the new primary: once deleted through A, nobody leads, and it cannot come back with its credential.
        await replicaA.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}/agents/{standby.Id}", null, 204);
        await standby.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(await PrimaryAsync(replicaB, domainId));
        using var again = gatewayB.Connect(primary.Id, primary.Credential);
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => again.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task A_deletion_through_one_replica_reaches_the_other_through_PostgreSQL_before_any_heartbeat()
    {
        using var temp = new TempDirectory();
        // A heartbeat of a minute: no session poll or sweep happens within this test, so only the bridge can end the session.
        var settings = new Dictionary<string, string> { ["Agents:HeartbeatSeconds"] = "60", ["Agents:LeaseSeconds"] = "240" };
        await using var replicaA = await ControlPlaneHost.StartAsync(temp.Sub("cp-a"), settings, DatabaseProvider.Postgres);
        await using var replicaB = await ControlPlaneHost.StartAsync(temp.Sub("cp-b"), new Dictionary<string, string>(settings)
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ControlPlane"] = replicaA.ConnectionString,
        });
        var bridges = new[] { replicaA, replicaB }.Select(r => r.Services.GetRequiredService<PostgresChangeBridge>()).ToList();
        await Processes.WaitUntilAsync(() => Task.FromResult(bridges.All(b => b.IsListening)), TimeSpan.FromSeconds(30), "both replicas listening");

        var domainId = await replicaA.CreateDomainAsync();
        using var gatewayB = new GatewayClient(replicaB);
        var (_, key) = await replicaA.CreateConnectKeyAsync(domainId);
        await using var agent = await RawAgent.EnrollAsync(gatewayB, key, "bridged-on-b");
        await agent.ConnectAsync("bridged-on-b");
        await agent.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        Assert.True(replicaB.Services.GetRequiredService<AgentSessions>().IsConnected(agent.Id));

        await replicaA.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}/agents/{agent.Id}", null, 204);
        await agent.Ended.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(replicaB.Services.GetRequiredService<AgentSessions>().IsConnected(agent.Id));
    }

    private static async Task<string?> PrimaryAsync(ControlPlaneHost replica, string domainId) =>
        (await replica.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}", null, 200))["primaryAgent"]?.GetValue<string>();
}
