using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>
/// A second enrolled SYNC agent and an IMPORT agent of the domain keep forging acknowledgements (every epoch, every
/// sequence number, a far-future one, outcomes pointed at real users) while the real primary agent streams users and
/// passwords into slapd: the primary still applies every change, and nothing forged shows.
/// </summary>
public sealed class ForgedAckTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private const string People = "ou=People,dc=example,dc=com";
    private const string ForgedMessage = "forged outcome";

    [Fact]
    public async Task The_primary_applies_every_change_while_other_agents_forge_acks_and_nothing_forged_shows()
    {
        using var temp = new TempDirectory();
        var (cp, agent, domainId, primaryId) = await ThinPath.StartAsync(temp, slapd);
        await using var _ = cp;
        using var __ = agent;
        using var gateway = new GatewayClient(cp);
        await using var standby = await EnrollAsync(cp, gateway, domainId, "SYNC", "forger-sync");
        await using var import = await EnrollAsync(cp, gateway, domainId, "IMPORT", "forger-import");
        await standby.ConnectAsync("forger-sync");
        await import.ConnectAsync("forger-import");
        Assert.Equal(primaryId, await cp.Client.PrimaryAgentAsync(domainId));

        var userIds = new List<string>();
        using var stopForging = new CancellationTokenSource();
        var forging = ForgeAsync(cp, domainId, [standby, import], userIds, stopForging.Token);

        var passwords = new Dictionary<string, string>();
        for (var i = 0; i < 12; i++)
        {
            var username = $"fx.n{i}";
            var id = await cp.CreateUserAsync(username, "Forty", "Quirk");
            lock (userIds)
            {
                userIds.Add(id);
            }

            await cp.BindUserAsync(domainId, id);
            var password = $"Zq7-{Guid.NewGuid():N}";
            await cp.Client.SetPasswordAsync(id, password);
            passwords[username] = password;
        }

        foreach (var (username, password) in passwords)
        {
            await Processes.WaitUntilAsync(() => slapd.CanBindAsync($"uid={username},{People}", password),
                TimeSpan.FromSeconds(60), () => $"{username} binds with its password (agent log: {agent.Log})");
        }

        await stopForging.CancelAsync();
        var forged = await forging;
        Assert.True(forged > 0, "the forgers sent acks while the primary streamed");

        // The primary acknowledged everything, and only that: the cursor is at the last entry, not beyond.
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync(cp);
            var domain = await db.Domains.SingleAsync(d => d.Id == domainId);
            return domain.AckedSeq == domain.LastSeq;
        }, TimeSpan.FromSeconds(30), "the primary's acks reached the last entry");

        // The outcomes are recorded beside the ack path (the cursor does not wait for them): until every user has its
        // status and no sealed password is left in the log.
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await DbAsync(cp);
            return await db.SyncStatuses.CountAsync(s => s.DomainId == domainId) == userIds.Count
                && !await db.Changes.AnyAsync(c => c.DomainId == domainId && c.Kind == "PasswordSet" && c.Payload.Contains("\"password\":"));
        }, TimeSpan.FromSeconds(30), "the acknowledged outcomes recorded");

        await using (var db = await DbAsync(cp))
        {
            var statuses = await db.SyncStatuses.Where(s => s.DomainId == domainId).ToListAsync();
            Assert.DoesNotContain(statuses, s => s.Message == ForgedMessage || s.Anchor == "forged-anchor");
            Assert.Equal(userIds.Order(StringComparer.Ordinal), statuses.Select(s => s.ObjectId).Order(StringComparer.Ordinal));
            Assert.All(statuses, s => Assert.Equal(SyncOutcomeKind.Applied, s.Outcome));
            var passwordSets = await db.Changes.Where(c => c.DomainId == domainId && c.Kind == "PasswordSet").Select(c => c.Payload).ToListAsync();
            Assert.Equal(12, passwordSets.Count);
            Assert.All(passwordSets, p => Assert.DoesNotContain("\"password\":", p, StringComparison.Ordinal));
        }

        var users = (await cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/users?limit=100", null, 200)).AsArray();
        Assert.Equal(12, users.Count);
        Assert.All(users, u => Assert.NotEqual(ForgedMessage, u!["syncStatus"]!["message"]!.GetValue<string>()));
        Assert.Equal(primaryId, await cp.Client.PrimaryAgentAsync(domainId));
    }

    /// <summary>Sends forged acks from every forger until stopped (bounded); returns how many were sent.</summary>
    private static async Task<int> ForgeAsync(ControlPlaneHost cp, string domainId, RawAgent[] forgers, List<string> userIds, CancellationToken ct)
    {
        var sent = 0;
        for (var round = 0; round < 5000 && !ct.IsCancellationRequested; round++)
        {
            long lastSeq, epoch;
            await using (var db = await DbAsync(cp))
            {
                var domain = await db.Domains.AsNoTracking().SingleAsync(d => d.Id == domainId, CancellationToken.None);
                (lastSeq, epoch) = (domain.LastSeq, domain.LeaseEpoch);
            }

            string[] targets;
            lock (userIds)
            {
                targets = [.. userIds];
            }

            foreach (var forger in forgers)
            {
                for (var e = Math.Max(0, epoch - 1); e <= epoch + 1; e++)
                {
                    var results = Enumerable.Range(1, (int)lastSeq).Select(s => Forged(s, targets)).Append(Forged(1_000_000_000, targets));
                    await forger.AckAsync(e, results);
                    sent++;
                }
            }

            try
            {
                await Task.Delay(25, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return sent;
    }

    private static EntryResult Forged(long seq, string[] targets) => new()
    {
        Seq = seq,
        Outcome = Outcome.Failed,
        Code = 50,
        Message = ForgedMessage,
        ObjectId = targets.Length == 0 ? "000000000000000000000000" : targets[(int)(seq % targets.Length)],
        Anchor = "forged-anchor",
    };

    private static async Task<RawAgent> EnrollAsync(ControlPlaneHost cp, GatewayClient gateway, string domainId, string type, string hostname)
    {
        if (type == "IMPORT")
        {
            // An IMPORT key needs a use case that imports.
            await cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "TWOWAYSYNC" }, 200);
        }

        var json = await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = type }, 201);
        return await RawAgent.EnrollAsync(gateway, json["connectKey"]!.GetValue<string>(), hostname);
    }

    private static Task<ControlPlaneDb> DbAsync(ControlPlaneHost cp) =>
        cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
