using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.History;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// The sync history's bound on the real database (SQLite, or PostgreSQL with <c>JCADI_TEST_DATABASE=Postgres</c>):
/// at most 50 per object and domain once it grows past the slack, newest kept, other objects untouched. And what an
/// acknowledgement records (statuses, history, erased sealed passwords), written in bulk: anchors kept, all or nothing.
/// </summary>
public sealed class SyncHistoryStoreTests
{
    private const string Agent = "6b08197522a08808fa70aa03";

    [Fact]
    public async Task A_status_keeps_its_anchor_when_later_outcomes_report_none_and_takes_the_latest_one_reported()
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await host.CreateDomainAsync();
        const string user = "6b08197522a08808fa70ab01", group = "6b08197522a08808fa70ab02";
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();

        // Created: the anchor is recorded.
        await SyncHistory.RecordAcknowledgedAsync(db, [Ack(domainId, 1, user, "UserUpsert", SyncOutcomeKind.Applied, anchor: "anchor-1")], default);
        Assert.Equal((SyncOutcomeKind.Applied, "anchor-1"), await StatusAsync(db, domainId, user));

        // Refused, no anchor reported (an existing row is updated): the outcome is the new one, the anchor stays.
        await SyncHistory.RecordAcknowledgedAsync(db, [Ack(domainId, 2, user, "PasswordSet", SyncOutcomeKind.Failed, code: 19, message: "refused")], default);
        var refused = await db.SyncStatuses.AsNoTracking().SingleAsync(s => s.DomainId == domainId && s.ObjectId == user);
        Assert.Equal((SyncOutcomeKind.Failed, 19, "refused", "anchor-1"), (refused.Outcome, refused.Code, refused.Message, refused.Anchor));

        // One ack: the user renamed (a new anchor) then a password set (none); the group created (an anchor) then its
        // members set (none). Each status is its latest outcome with the latest anchor reported, as one by one.
        await SyncHistory.RecordAcknowledgedAsync(db,
        [
            Ack(domainId, 3, user, "UserUpsert", SyncOutcomeKind.Applied, anchor: "anchor-2"),
            Ack(domainId, 4, group, "GroupUpsert", SyncOutcomeKind.Applied, anchor: "group-anchor"),
            Ack(domainId, 5, user, "PasswordSet", SyncOutcomeKind.Skipped),
            Ack(domainId, 6, group, "MembershipSet", SyncOutcomeKind.Applied),
        ], default);
        Assert.Equal((SyncOutcomeKind.Skipped, "anchor-2"), await StatusAsync(db, domainId, user));
        Assert.Equal((SyncOutcomeKind.Applied, "group-anchor"), await StatusAsync(db, domainId, group));

        // Every outcome is in the history, with the kind the session named.
        var history = await db.SyncHistory.AsNoTracking().Where(h => h.DomainId == domainId).OrderBy(h => h.Seq)
            .Select(h => new { h.Seq, h.ObjectId, h.Kind, h.Outcome, h.AgentId }).ToListAsync();
        Assert.Equal([1L, 2, 3, 4, 5, 6], history.Select(h => h.Seq));
        Assert.Equal(["UserUpsert", "PasswordSet", "UserUpsert", "GroupUpsert", "PasswordSet", "MembershipSet"], history.Select(h => h.Kind));
        Assert.Equal(group, history[5].ObjectId);
        Assert.All(history, h => Assert.Equal(Agent, h.AgentId));
    }

    [Fact]
    public async Task An_ack_whose_history_cannot_be_written_leaves_no_status_and_keeps_the_sealed_password_until_it_is_recorded()
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await host.CreateDomainAsync();
        const string user = "6b08197522a08808fa70ac01", other = "6b08197522a08808fa70ac02";
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();

        // A stored password set carrying a sealed password (seal-only mode), as the session sent it.
        var sealedSet = new Change
        {
            Seq = 1,
            PasswordSet = new PasswordSet { UserId = user, Username = "sealed", Password = new SealedSecret { Ciphertext = ByteString.CopyFromUtf8("ciphertext") } },
        };
        db.Changes.Add(new ChangeEntry
        {
            DomainId = domainId, Seq = 1, Kind = "PasswordSet", ObjectId = user, Payload = JsonFormatter.Default.Format(sealedSet), CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        // The database refuses one history row (a trigger of this test's own): the statuses written before it in the same
        // transaction, and the erased password, are rolled back with it.
        await RefuseHistoryCode666Async(db);
        Acknowledged[] ack =
        [
            Ack(domainId, 1, user, "PasswordSet", SyncOutcomeKind.Applied, storedPassword: true),
            Ack(domainId, 2, other, "UserUpsert", SyncOutcomeKind.Failed, code: 666, anchor: "other-anchor"),
        ];
        await Assert.ThrowsAnyAsync<Exception>(() => SyncHistory.RecordAcknowledgedAsync(db, ack, default));
        db.ChangeTracker.Clear();
        Assert.False(await db.SyncStatuses.AnyAsync(s => s.DomainId == domainId));
        Assert.False(await db.SyncHistory.AnyAsync(h => h.DomainId == domainId));
        Assert.NotNull(await StoredPasswordAsync(db, domainId));

        // Recorded again (the refused code aside): all of it at once.
        ack[1] = Ack(domainId, 2, other, "UserUpsert", SyncOutcomeKind.Failed, code: 53, anchor: "other-anchor");
        await SyncHistory.RecordAcknowledgedAsync(db, ack, default);
        db.ChangeTracker.Clear();
        Assert.Equal((SyncOutcomeKind.Applied, null), await StatusAsync(db, domainId, user));
        Assert.Equal((SyncOutcomeKind.Failed, "other-anchor"), await StatusAsync(db, domainId, other));
        Assert.Equal(2, await db.SyncHistory.CountAsync(h => h.DomainId == domainId));
        Assert.Null(await StoredPasswordAsync(db, domainId));
    }

    private static Acknowledged Ack(string domainId, long seq, string objectId, string kind, SyncOutcomeKind outcome, int code = 0, string message = "",
        string anchor = "", bool storedPassword = false) =>
        new(new SyncOutcome(domainId, Agent, seq, objectId, outcome, code, message, DateTimeOffset.UtcNow), kind, anchor, storedPassword);

    private static async Task<(SyncOutcomeKind, string?)> StatusAsync(ControlPlaneDb db, string domainId, string objectId)
    {
        var status = await db.SyncStatuses.AsNoTracking().SingleAsync(s => s.DomainId == domainId && s.ObjectId == objectId);
        return (status.Outcome, status.Anchor);
    }

    private static async Task<SealedSecret?> StoredPasswordAsync(ControlPlaneDb db, string domainId)
    {
        var payload = await db.Changes.AsNoTracking().Where(c => c.DomainId == domainId && c.Seq == 1).Select(c => c.Payload).SingleAsync();
        return JsonParser.Default.Parse<Change>(payload).PasswordSet.Password;
    }

    /// <summary>Makes the database refuse a history row with code 666 (SQLite or PostgreSQL trigger).</summary>
    private static async Task RefuseHistoryCode666Async(ControlPlaneDb db)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER test_refuse BEFORE INSERT ON \"SyncHistory\" WHEN NEW.\"Code\" = 666 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
            return;
        }

        await db.Database.ExecuteSqlRawAsync(
            "CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql;");
        await db.Database.ExecuteSqlRawAsync(
            "CREATE TRIGGER test_refuse BEFORE INSERT ON \"SyncHistory\" FOR EACH ROW WHEN (NEW.\"Code\" = 666) EXECUTE FUNCTION test_refuse();");
    }

    [Fact]
    public async Task History_is_trimmed_to_the_newest_50_per_object_and_other_objects_and_domains_keep_theirs()
    {
        using var temp = new TempDirectory();
        await using var host = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await host.CreateDomainAsync();
        var otherDomain = await host.CreateDomainAsync("DC=other;DC=example;DC=com");
        const string busy = "6b08197522a08808fa70aa01", quiet = "6b08197522a08808fa70aa02";
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        await SyncHistory.RecordAcknowledgedAsync(db, [Ack(otherDomain, 1, busy, "UserUpsert", SyncOutcomeKind.Applied)], default);
        await SyncHistory.RecordAcknowledgedAsync(db, [Ack(domainId, 1, quiet, "UserUpsert", SyncOutcomeKind.Applied)], default);
        long seq = 1;
        for (var ack = 0; ack < SyncHistory.PerObject + SyncHistory.TrimSlack; ack++)
        {
            await SyncHistory.RecordAcknowledgedAsync(db, [Ack(domainId, ++seq, busy, "UserUpsert", SyncOutcomeKind.Failed, 19, $"refusal {seq}")], default);
        }

        // Exactly at the slack: nothing trimmed yet.
        Assert.Equal(SyncHistory.PerObject + SyncHistory.TrimSlack, await db.SyncHistory.CountAsync(h => h.DomainId == domainId && h.ObjectId == busy));
        await SyncHistory.RecordAcknowledgedAsync(db, [Ack(domainId, ++seq, busy, "UserUpsert", SyncOutcomeKind.Failed, 19, new string('x', 5000))], default);

        var kept = await db.SyncHistory.AsNoTracking().Where(h => h.DomainId == domainId && h.ObjectId == busy).OrderBy(h => h.Seq).ToListAsync();
        Assert.Equal(SyncHistory.PerObject, kept.Count);
        Assert.Equal(seq, kept[^1].Seq);
        Assert.Equal(seq - SyncHistory.PerObject + 1, kept[0].Seq);
        Assert.Equal(SyncHistory.MaxMessageLength, kept[^1].Message.Length);
        Assert.Equal(1, await db.SyncHistory.CountAsync(h => h.DomainId == domainId && h.ObjectId == quiet));
        Assert.Equal(1, await db.SyncHistory.CountAsync(h => h.DomainId == otherDomain && h.ObjectId == busy));
    }
}
