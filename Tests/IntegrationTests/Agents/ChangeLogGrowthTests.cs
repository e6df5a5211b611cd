using Grpc.Core;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// The change log stays bounded: acknowledged entries are pruned after the retention (never past the cursor, the
/// per-object sync status stays), and reconcile requests are coalesced per domain and rate-limited per agent.
/// </summary>
public sealed class ChangeLogGrowthTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ControlPlaneHost _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await ControlPlaneHost.StartAsync(_temp.Sub("cp"), new Dictionary<string, string> { ["ChangeLog:RetentionHours"] = "48" });

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Acknowledged_entries_are_pruned_after_the_retention_but_never_past_the_cursor_and_statuses_stay()
    {
        Assert.Equal(48, _cp.Services.GetRequiredService<IOptions<ChangeLogOptions>>().Value.RetentionHours);
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("prune")};DC=example;DC=com");
        using var gateway = new GatewayClient(_cp);
        var (_, key) = await _cp.CreateConnectKeyAsync(domainId);
        await using var primary = await RawAgent.EnrollAsync(gateway, key, "prune-primary");
        await primary.ConnectAsync("prune-primary");
        var epoch = await primary.WaitForLeaseAsync(TimeSpan.FromSeconds(30));

        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await _cp.CreateUserAsync(ApiAssert.Unique($"prune.{i}"), "Pru", "Ned");
            await _cp.BindUserAsync(domainId, id);
            users.Add(id);
        }

        await Processes.WaitUntilAsync(() => Task.FromResult(primary.Changes.Count(c => c.KindCase == Change.KindOneofCase.UserUpsert) == 3),
            TimeSpan.FromSeconds(30), "three upserts sent to the primary");
        var sent = primary.Changes.Select(c => c.Seq).Order().ToList();
        Assert.Equal(3, sent.Count);

        // The primary acknowledges the first two only.
        await primary.AckAsync(epoch, sent.Take(2).Select(s => new EntryResult { Seq = s, Outcome = Outcome.Applied, Message = "applied" }));
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync();
            return await db.SyncStatuses.CountAsync(s => s.DomainId == domainId) == 2;
        }, TimeSpan.FromSeconds(30), "the first two outcomes recorded");

        // Within the retention nothing goes (the running pruner, with the configured 48 h).
        Assert.Equal(0, await _cp.Services.GetRequiredService<ChangeLogPruner>().PruneAsync(CancellationToken.None));
        Assert.Equal(sent, await SeqsAsync(domainId));

        // 49 hours on: the acknowledged entries go, the unacknowledged one stays however old, and so do the statuses.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(49));
        var pruner = new ChangeLogPruner(_cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>(), later,
            Options.Create(new ChangeLogOptions { RetentionHours = 48 }), NullLogger<ChangeLogPruner>.Instance);
        Assert.True(await pruner.PruneAsync(CancellationToken.None) >= 2);
        Assert.Equal([sent[2]], await SeqsAsync(domainId));
        await using (var db = await DbAsync())
        {
            var statuses = await db.SyncStatuses.Where(s => s.DomainId == domainId).Select(s => s.ObjectId).ToListAsync();
            Assert.Equal(users.Take(2).Order(StringComparer.Ordinal), statuses.Order(StringComparer.Ordinal));
        }

        // The stream goes on from the cursor: the remaining entry is acknowledged, a new change still arrives.
        await primary.AckAsync(epoch, [new EntryResult { Seq = sent[2], Outcome = Outcome.Applied, Message = "applied" }]);
        var fourth = await _cp.CreateUserAsync(ApiAssert.Unique("prune.after"), "Pru", "Ned");
        await _cp.BindUserAsync(domainId, fourth);
        await Processes.WaitUntilAsync(() => Task.FromResult(primary.Changes.Any(c => c.UserUpsert?.UserId == fourth)),
            TimeSpan.FromSeconds(30), "a change after pruning reaches the primary");
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync();
            return (await db.Domains.SingleAsync(d => d.Id == domainId)).AckedSeq == sent[2];
        }, TimeSpan.FromSeconds(30), "the third entry acknowledged");
        Assert.True(await pruner.PruneAsync(CancellationToken.None) >= 1);
        var remaining = await SeqsAsync(domainId);
        Assert.DoesNotContain(sent[2], remaining);
        Assert.Single(remaining);
    }

    [Fact]
    public async Task Reconcile_requests_are_coalesced_per_domain_and_rate_limited_per_agent()
    {
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("coal")};DC=example;DC=com");
        var user = await _cp.CreateUserAsync(ApiAssert.Unique("coal.user"), "Coa", "Lesced");
        await _cp.BindUserAsync(domainId, user);
        using var gateway = new GatewayClient(_cp);
        var agents = new List<RawAgent>();
        for (var i = 0; i < 2; i++)
        {
            var (_, key) = await _cp.CreateConnectKeyAsync(domainId);
            agents.Add(await RawAgent.EnrollAsync(gateway, key, $"coal-{i}"));
        }

        // No primary yet: the first request queues a snapshot; asking again (another agent, the REST API) queues nothing.
        var first = await gateway.RequestReconcileAsync(agents[0].Id, agents[0].Credential);
        Assert.Equal(1, first.Objects);
        var lastSeq = await LastSeqAsync(domainId);
        Assert.Equal(first.ToSeq, lastSeq);
        var second = await gateway.RequestReconcileAsync(agents[1].Id, agents[1].Credential);
        Assert.Equal((first.FromSeq, first.ToSeq, first.Objects), (second.FromSeq, second.ToSeq, second.Objects));
        var viaApi = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile", null, 202);
        Assert.Equal(first.FromSeq, viaApi["fromSeq"]!.GetValue<long>());
        Assert.Equal(first.ToSeq, viaApi["toSeq"]!.GetValue<long>());
        Assert.Equal(lastSeq, await LastSeqAsync(domainId));

        // The same agent asking again within the interval is refused.
        var throttled = await Assert.ThrowsAsync<RpcException>(() => gateway.RequestReconcileAsync(agents[0].Id, agents[0].Credential));
        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);

        // A primary taking over with that snapshot still pending gets it rather than a second one.
        await agents[0].ConnectAsync("coal-0");
        var epoch = await agents[0].WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        await Processes.WaitUntilAsync(() => Task.FromResult(agents[0].Changes.Any(c => c.Seq == lastSeq)), TimeSpan.FromSeconds(30), "the snapshot sent");
        Assert.Equal(lastSeq, await LastSeqAsync(domainId));

        // Once it is acknowledged, a new reconcile queues a new snapshot.
        await agents[0].AckAsync(epoch, agents[0].Changes.Select(c => c.Seq).Distinct().Select(s => new EntryResult { Seq = s, Outcome = Outcome.Applied }));
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync();
            return (await db.Domains.SingleAsync(d => d.Id == domainId)).AckedSeq == lastSeq;
        }, TimeSpan.FromSeconds(30), "the snapshot acknowledged");
        var fresh = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile", null, 202);
        Assert.Equal(lastSeq + 1, fresh["fromSeq"]!.GetValue<long>());
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }
    }

    private async Task<List<long>> SeqsAsync(string domainId)
    {
        await using var db = await DbAsync();
        return await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Seq).ToListAsync();
    }

    private async Task<long> LastSeqAsync(string domainId)
    {
        await using var db = await DbAsync();
        return (await db.Domains.SingleAsync(d => d.Id == domainId)).LastSeq;
    }

    private Task<ControlPlaneDb> DbAsync() =>
        _cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
