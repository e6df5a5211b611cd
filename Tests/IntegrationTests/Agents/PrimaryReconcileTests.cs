using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// A new primary's reconcile does not hold the backlog back: the first batches go out before the snapshot is appended,
/// and the snapshot follows once the backlog found at the grant is sent, behind everything committed meanwhile, with
/// the state as it is then. A domain that was never synced gets no snapshot: its log from the first entry is its whole
/// state. Over the real gateway, with an agent that speaks the protocol by hand (so the test decides when it
/// acknowledges).
/// </summary>
public sealed class PrimaryReconcileTests : IAsyncLifetime
{
    // More entries than a new primary keeps in flight before its first ack (AgentSession's window, 2,000).
    private const int Users = 2100;
    private readonly TempDirectory _temp = new();
    private ControlPlaneHost _cp = null!;

    public async Task InitializeAsync() => _cp = await ControlPlaneHost.StartAsync(_temp.Sub("cp"));

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_backlog_goes_out_before_the_new_primarys_snapshot_which_follows_it_with_the_state_then()
    {
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("recon")};DC=example;DC=com");
        // A group of 2,100 users stored directly, then bound by one call: a backlog of 2,102 entries.
        var groupId = ObjectIds.New(TimeProvider.System);
        var userIds = new HashSet<string>(StringComparer.Ordinal);
        var prefix = ApiAssert.Unique("rc");
        await using (var db = await DbAsync())
        {
            db.Groups.Add(new UserGroup { Id = groupId, Name = prefix + "-group" });
            for (var i = 0; i < Users; i++)
            {
                var id = ObjectIds.New(TimeProvider.System);
                userIds.Add(id);
                db.Users.Add(new SystemUser { Id = id, Username = $"{prefix}.{i:D4}", Email = $"{prefix}.{i:D4}@example.com", Firstname = "Recon", Lastname = $"User{i:D4}", Created = DateTimeOffset.UtcNow });
                db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = id });
            }

            await db.SaveChangesAsync();
        }

        // The domain was synced before (a user, acknowledged by an earlier primary), so its next primary reconciles.
        using var gateway = new GatewayClient(_cp);
        var earlier = await _cp.CreateUserAsync(ApiAssert.Unique("recon.early"), "Recon", "Early");
        await _cp.BindUserAsync(domainId, earlier);
        userIds.Add(earlier);
        var synced = await SyncEverythingAsync(gateway, domainId, "early-host");
        Assert.DoesNotContain(synced, c => c.Reconcile);

        await _cp.Client.BindGroupAsync(domainId, groupId);
        var backlogEnd = await LastSeqAsync(domainId);
        Assert.True(backlogEnd - synced.Count > 2000, $"a backlog of {backlogEnd - synced.Count} entries");

        var key = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "SYNC" }, 201);
        await using var primary = await RawAgent.EnrollAsync(gateway, key["connectKey"]!.GetValue<string>(), "recon-host");
        await primary.ConnectAsync("recon-host");
        var epoch = await primary.WaitForLeaseAsync(TimeSpan.FromSeconds(30));

        // The first batch is out, and no snapshot is in the log: it waits for the backlog to be sent (which needs acks).
        await Processes.WaitUntilAsync(() => Task.FromResult(primary.Changes.Count > 0), TimeSpan.FromSeconds(30), "the first batch sent");
        Assert.Equal(0, await ReconcileEntriesAsync(domainId));
        Assert.Equal(backlogEnd, await LastSeqAsync(domainId));

        // Committed while the backlog is in flight: it gets its entries before the snapshot, which then includes it.
        var late = await _cp.CreateUserAsync(ApiAssert.Unique("recon.late"), "Recon", "Late");
        await _cp.BindUserAsync(domainId, late);
        userIds.Add(late);
        var beforeSnapshot = await LastSeqAsync(domainId);
        Assert.Equal(0, await ReconcileEntriesAsync(domainId));

        // Acknowledge whatever arrives until the snapshot's entries have all arrived, and then those too.
        var acked = new HashSet<long>();
        await Processes.WaitUntilAsync(async () =>
        {
            var fresh = primary.Changes.Where(c => acked.Add(c.Seq)).Select(c => c.Seq).ToList();
            if (fresh.Count > 0)
            {
                await primary.AckAsync(epoch, fresh.Select(s => new EntryResult { Seq = s, Outcome = Outcome.Applied }));
            }

            var last = await LastSeqAsync(domainId);
            return last > beforeSnapshot && acked.Count == last - synced.Count && primary.Changes.Max(c => c.Seq) == last;
        }, TimeSpan.FromSeconds(120), () => $"every entry sent and acknowledged ({acked.Count} so far)");

        var received = primary.Changes;
        Assert.Equal(received.Count, received.Select(c => c.Seq).Distinct().Count()); // nothing sent twice
        // In order, no gap, from the earlier primary's cursor on.
        Assert.Equal(Enumerable.Range(synced.Count + 1, received.Count).Select(i => (long)i), received.Select(c => c.Seq));
        // The snapshot comes after everything committed before it was appended, and covers the state then (the late user too).
        var firstReconcile = received.First(c => c.Reconcile).Seq;
        Assert.Equal(beforeSnapshot + 1, firstReconcile);
        Assert.All(received.Where(c => c.Seq > beforeSnapshot), c => Assert.True(c.Reconcile, $"entry {c.Seq} is part of the snapshot"));
        var reconciledUsers = received.Where(c => c.Reconcile && c.KindCase == Change.KindOneofCase.UserUpsert).Select(c => c.UserUpsert.UserId).ToHashSet(StringComparer.Ordinal);
        Assert.True(userIds.SetEquals(reconciledUsers), $"the snapshot has {reconciledUsers.Count} of {userIds.Count} users");
        Assert.Contains(received, c => c.Reconcile && c.KindCase == Change.KindOneofCase.GroupUpsert && c.GroupUpsert.GroupId == groupId);
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync();
            return (await db.Domains.SingleAsync(d => d.Id == domainId)).AckedSeq == received[^1].Seq;
        }, TimeSpan.FromSeconds(30), "the cursor at the end of the snapshot");
    }

    [Fact]
    public async Task A_domain_never_synced_is_sent_its_log_from_the_first_entry_without_a_snapshot_and_its_next_primary_reconciles()
    {
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("first")};DC=example;DC=com");
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await _cp.CreateUserAsync(ApiAssert.Unique($"first.{i}"), "First", $"Sync{i}");
            await _cp.BindUserAsync(domainId, id);
            users.Add(id);
        }

        var groupId = await _cp.CreateGroupAsync(ApiAssert.Unique("first-group"));
        await _cp.AddMemberAsync(groupId, users[0]);
        await _cp.Client.BindGroupAsync(domainId, groupId);
        var logged = await LastSeqAsync(domainId);

        // The first primary: every entry of the log, once, in order, and nothing appended after them.
        using var gateway = new GatewayClient(_cp);
        var first = await SyncEverythingAsync(gateway, domainId, "first-host");
        Assert.Equal(Enumerable.Range(1, (int)logged).Select(i => (long)i), first.Select(c => c.Seq));
        Assert.DoesNotContain(first, c => c.Reconcile);
        Assert.Equal(0, await ReconcileEntriesAsync(domainId));
        Assert.Equal(logged, await LastSeqAsync(domainId));
        Assert.True(users.All(u => first.Any(c => c.KindCase == Change.KindOneofCase.UserUpsert && c.UserUpsert.UserId == u)), "every bound user's upsert");
        Assert.Contains(first, c => c.KindCase == Change.KindOneofCase.MembershipSet);

        // The domain has been synced now: the next primary reconciles it (every bound user and the group).
        var key = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "SYNC" }, 201);
        await using var next = await RawAgent.EnrollAsync(gateway, key["connectKey"]!.GetValue<string>(), "next-host");
        await next.ConnectAsync("next-host");
        await next.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        await Processes.WaitUntilAsync(() => Task.FromResult(next.Changes.Any(c => c.Reconcile && c.KindCase == Change.KindOneofCase.GroupUpsert)),
            TimeSpan.FromSeconds(30), "the next primary's snapshot");
        var snapshot = next.Changes.Where(c => c.Reconcile).ToList();
        Assert.True(snapshot[0].Seq > logged, "the snapshot follows the acknowledged log");
        Assert.True(users.All(u => snapshot.Any(c => c.KindCase == Change.KindOneofCase.UserUpsert && c.UserUpsert.UserId == u)), "the snapshot has every bound user");
    }

    /// <summary>
    /// Connects a new agent to the domain and acknowledges everything it is sent until the cursor is at the log's end,
    /// then disconnects it; returns what it was sent.
    /// </summary>
    private async Task<IReadOnlyList<Change>> SyncEverythingAsync(GatewayClient gateway, string domainId, string host)
    {
        var key = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "SYNC" }, 201);
        await using var agent = await RawAgent.EnrollAsync(gateway, key["connectKey"]!.GetValue<string>(), host);
        await agent.ConnectAsync(host);
        var epoch = await agent.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        var acked = new HashSet<long>();
        await Processes.WaitUntilAsync(async () =>
        {
            var fresh = agent.Changes.Where(c => acked.Add(c.Seq)).Select(c => c.Seq).ToList();
            if (fresh.Count > 0)
            {
                await agent.AckAsync(epoch, fresh.Select(s => new EntryResult { Seq = s, Outcome = Outcome.Applied }));
            }

            await using var db = await DbAsync();
            var domain = await db.Domains.AsNoTracking().SingleAsync(d => d.Id == domainId);
            return domain.AckedSeq == domain.LastSeq && acked.Count > 0;
        }, TimeSpan.FromSeconds(60), () => $"{host} sent and acknowledged the whole log ({acked.Count} so far)");
        return agent.Changes;
    }

    private async Task<int> ReconcileEntriesAsync(string domainId)
    {
        await using var db = await DbAsync();
        return await db.Changes.CountAsync(c => c.DomainId == domainId && c.Payload.Contains("\"reconcile\": true"));
    }

    private async Task<long> LastSeqAsync(string domainId)
    {
        await using var db = await DbAsync();
        return (await db.Domains.SingleAsync(d => d.Id == domainId)).LastSeq;
    }

    private Task<ControlPlaneDb> DbAsync() =>
        _cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
