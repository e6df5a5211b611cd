using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.History;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// The sync history's bound on the real database (SQLite, or PostgreSQL with <c>JCADI_TEST_DATABASE=Postgres</c>):
/// at most 50 per object and domain once it grows past the slack, newest kept, other objects untouched.
/// </summary>
public sealed class SyncHistoryStoreTests
{
    [Fact]
    public async Task History_is_trimmed_to_the_newest_50_per_object_and_other_objects_and_domains_keep_theirs()
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await host.CreateDomainAsync();
        var otherDomain = await host.CreateDomainAsync("DC=other;DC=example;DC=com");
        const string busy = "6b08197522a08808fa70aa01", quiet = "6b08197522a08808fa70aa02", agent = "6b08197522a08808fa70aa03";
        var at = DateTimeOffset.UtcNow;
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        await SyncHistory.RecordAsync(db, [new SyncOutcome(otherDomain, agent, 1, busy, SyncOutcomeKind.Applied, 0, "", at)], default);
        await SyncHistory.RecordAsync(db, [new SyncOutcome(domainId, agent, 1, quiet, SyncOutcomeKind.Applied, 0, "", at)], default);
        long seq = 1;
        for (var ack = 0; ack < SyncHistory.PerObject + SyncHistory.TrimSlack; ack++)
        {
            await SyncHistory.RecordAsync(db, [new SyncOutcome(domainId, agent, ++seq, busy, SyncOutcomeKind.Failed, 19, $"refusal {seq}", at)], default);
        }

        // Exactly at the slack: nothing trimmed yet.
        Assert.Equal(SyncHistory.PerObject + SyncHistory.TrimSlack, await db.SyncHistory.CountAsync(h => h.DomainId == domainId && h.ObjectId == busy));
        await SyncHistory.RecordAsync(db, [new SyncOutcome(domainId, agent, ++seq, busy, SyncOutcomeKind.Failed, 19, new string('x', 5000), at)], default);

        var kept = await db.SyncHistory.AsNoTracking().Where(h => h.DomainId == domainId && h.ObjectId == busy).OrderBy(h => h.Seq).ToListAsync();
        Assert.Equal(SyncHistory.PerObject, kept.Count);
        Assert.Equal(seq, kept[^1].Seq);
        Assert.Equal(seq - SyncHistory.PerObject + 1, kept[0].Seq);
        Assert.Equal(SyncHistory.MaxMessageLength, kept[^1].Message.Length);
        Assert.Equal(1, await db.SyncHistory.CountAsync(h => h.DomainId == domainId && h.ObjectId == quiet));
        Assert.Equal(1, await db.SyncHistory.CountAsync(h => h.DomainId == otherDomain && h.ObjectId == busy));
    }
}
