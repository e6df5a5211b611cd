using Grpc.Core;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// Acknowledgements over the real gateway, with agents that speak the protocol by hand: only the lease holder's own
/// session, for its epoch, for entries it was sent, moves the cursor, erases sealed passwords or records outcomes, and
/// an outcome lands on the object the stored entry concerns whatever the ack claims.
/// </summary>
public sealed class AckIntegrityTests : IAsyncLifetime
{
    private const long Far = 1_000_000_000;
    private readonly TempDirectory _temp = new();
    private readonly CapturedLogs _logs = new();
    private ControlPlaneHost _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await ControlPlaneHost.StartAsync(_temp.Sub("cp"), logs: _logs);

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Forged_acks_from_a_standby_an_import_agent_and_the_primary_itself_change_nothing()
    {
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("acks")};DC=example;DC=com");
        using var gateway = new GatewayClient(_cp);
        await using var primary = await EnrollAsync(gateway, domainId, "SYNC", "primary-host");
        await using var standby = await EnrollAsync(gateway, domainId, "SYNC", "standby-host");
        await using var import = await EnrollAsync(gateway, domainId, "IMPORT", "import-host");

        await primary.ConnectAsync("primary-host");
        var epoch = await primary.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        await standby.ConnectAsync("standby-host");
        await import.ConnectAsync("import-host");

        // Two users, one bound with a password: an upsert and a sealed password-set reach the primary.
        var bound = await _cp.CreateUserAsync(ApiAssert.Unique("ack.bound"), "Ack", "Bound");
        var other = await _cp.CreateUserAsync(ApiAssert.Unique("ack.other"), "Ack", "Other");
        await _cp.BindUserAsync(domainId, bound);
        await _cp.Client.SetPasswordAsync(bound, "Sealed-Passw0rd-Qx9");
        await Processes.WaitUntilAsync(() => Task.FromResult(primary.Changes.Any(c => c.KindCase == Change.KindOneofCase.PasswordSet)),
            TimeSpan.FromSeconds(30), "the primary sent the password-set");
        var sent = primary.Changes.Select(c => c.Seq).Distinct().Order().ToList();
        var lastSeq = await LastSeqAsync(domainId);
        Assert.Equal(lastSeq, sent[^1]);

        // The forgers know (or guess) every epoch and every sequence number, and point outcomes at any object.
        foreach (var forger in new[] { standby, import })
        {
            for (var e = 0; e <= epoch + 2; e++)
            {
                await forger.AckAsync(e, [.. Enumerable.Range(1, (int)lastSeq).Select(s => Forged(s, other)), Forged(Far, other)]);
                await forger.AckAsync(e, [Forged(Far, bound)]);
            }
        }

        // The primary itself: an ack for its epoch that also claims an entry never sent, and one for another epoch.
        await primary.AckAsync(epoch, [.. sent.Select(s => Forged(s, bound)), Forged(lastSeq + 1, bound)]);
        await primary.AckAsync(epoch, [Forged(Far, bound)]);
        await primary.AckAsync(epoch + 1, sent.Select(s => Forged(s, bound)));

        // Each session handles its messages in order: once its later hello is recorded, its acks have been handled.
        foreach (var (agent, name) in new[] { (primary, "primary"), (standby, "standby"), (import, "import") })
        {
            await agent.HelloAsync($"after-forgery-{name}");
        }

        await Processes.WaitUntilAsync(async () => (await _cp.AgentsAsync(domainId)).All(a => a!["hostname"]!.GetValue<string>().StartsWith("after-forgery-", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "every session handled its forged acks");

        await using (var db = await DbAsync())
        {
            Assert.Equal(0, (await db.Domains.SingleAsync(d => d.Id == domainId)).AckedSeq);
            Assert.Empty(await db.SyncStatuses.Where(s => s.DomainId == domainId).ToListAsync());
            // The password stays where it is kept (the vault; the entry refers to it and holds no secret).
            Assert.True(await db.PasswordVault.AnyAsync(v => v.UserId == bound), "the forged acks erased the user's password");
            var passwordSet = await db.Changes.SingleAsync(c => c.DomainId == domainId && c.Kind == "PasswordSet");
            Assert.DoesNotContain("\"password\":", passwordSet.Payload, StringComparison.Ordinal);
        }

        var users = (await _cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/users", null, 200)).AsArray();
        Assert.All(users, u => Assert.Null(u!["syncStatus"]));
        var refusals = _logs.Messages.Where(m => m.Contains("Refused an ack", StringComparison.Ordinal)).ToList();
        Assert.Contains(refusals, m => m.Contains(standby.Id, StringComparison.Ordinal));
        // Logged, but not once per forged ack: a flood of them cannot flood the log.
        Assert.Single(refusals, m => m.Contains(standby.Id, StringComparison.Ordinal));
        Assert.Contains(refusals, m => m.Contains(import.Id, StringComparison.Ordinal) && m.Contains("IMPORT", StringComparison.Ordinal));
        Assert.Contains(refusals, m => m.Contains(primary.Id, StringComparison.Ordinal) && m.Contains($"change {lastSeq + 1} was not sent", StringComparison.Ordinal));
        Assert.Contains(refusals, m => m.Contains(primary.Id, StringComparison.Ordinal) && m.Contains($"epoch {epoch + 1}", StringComparison.Ordinal));

        // The primary's real ack still works, and its outcomes land on the objects the entries concern: the ack's
        // claim that they were about the other user is ignored.
        await primary.AckAsync(epoch, sent.Select(s => new EntryResult
        {
            Seq = s,
            Outcome = Outcome.Applied,
            Message = "applied by the primary",
            ObjectId = other,
        }));
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync();
            return (await db.Domains.SingleAsync(d => d.Id == domainId)).AckedSeq == lastSeq;
        }, TimeSpan.FromSeconds(30), "the primary's ack moved the cursor");
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync();
            return await db.SyncStatuses.AnyAsync(s => s.DomainId == domainId && s.ObjectId == bound);
        }, TimeSpan.FromSeconds(30), "the outcome recorded");
        await using (var db = await DbAsync())
        {
            var status = Assert.Single(await db.SyncStatuses.Where(s => s.DomainId == domainId).ToListAsync());
            Assert.Equal(bound, status.ObjectId);
            Assert.Equal("applied by the primary", status.Message);
            Assert.True(await db.PasswordVault.AnyAsync(v => v.UserId == bound), "an acknowledged password left the vault");
        }
    }

    [Fact]
    public async Task An_import_agent_never_becomes_primary_even_when_it_is_the_only_agent_connected()
    {
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("import")};DC=example;DC=com");
        using var gateway = new GatewayClient(_cp);
        await using var import = await EnrollAsync(gateway, domainId, "IMPORT", "import-only");
        await import.ConnectAsync("import-only");
        var user = await _cp.CreateUserAsync(ApiAssert.Unique("imp.user"), "Imp", "User");
        await _cp.BindUserAsync(domainId, user);

        // A SYNC agent that connects afterwards gets the lease and the change: the import agent never had it.
        await using var sync = await EnrollAsync(gateway, domainId, "SYNC", "sync-late");
        await sync.ConnectAsync("sync-late");
        await sync.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        await Processes.WaitUntilAsync(() => Task.FromResult(sync.Changes.Any(c => c.UserUpsert?.UserId == user)), TimeSpan.FromSeconds(30), "the change sent to the SYNC agent");
        Assert.Equal(0, import.GrantedEpoch);
        Assert.DoesNotContain(import.Received, m => m.BodyCase == ControlMessage.BodyOneofCase.Batch);

        var refused = await Assert.ThrowsAsync<RpcException>(() => gateway.RequestReconcileAsync(import.Id, import.Credential));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    private async Task<RawAgent> EnrollAsync(GatewayClient gateway, string domainId, string type, string hostname)
    {
        if (type == "IMPORT")
        {
            // An IMPORT key needs a use case that imports.
            await _cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "TWOWAYSYNC" }, 200);
        }

        var json = await _cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = type }, 201);
        return await RawAgent.EnrollAsync(gateway, json["connectKey"]!.GetValue<string>(), hostname);
    }

    private static EntryResult Forged(long seq, string objectId) => new()
    {
        Seq = seq,
        Outcome = Outcome.Failed,
        Code = 50,
        Message = "forged outcome",
        ObjectId = objectId,
        Anchor = "forged-anchor",
    };

    private async Task<long> LastSeqAsync(string domainId)
    {
        await using var db = await DbAsync();
        return (await db.Domains.SingleAsync(d => d.Id == domainId)).LastSeq;
    }

    private Task<ControlPlaneDb> DbAsync() =>
        _cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
