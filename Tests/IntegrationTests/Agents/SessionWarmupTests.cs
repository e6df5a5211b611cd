using System.Text.RegularExpressions;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// The statements an agent's session makes are compiled when the control plane starts (its session warm-up), not inside
/// the first drain: once the warm-up has logged, a whole first session over the real gateway (connect, lease, a batch,
/// its acknowledgement recorded, a heartbeat's contact time written) makes EF Core compile nothing. The control plane
/// runs as its own process: EF Core shares its compiled queries between every host in one process (the other tests').
/// </summary>
public sealed class SessionWarmupTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_first_session_compiles_none_of_its_statements_once_the_warm_up_has_run()
    {
        using var cp = new ControlPlaneProcess(_temp.Sub("cp"));
        // EF Core logs "Compiling query expression" (event 10111) at Debug, once for each statement it compiles.
        cp.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore.Query"] = "Debug";
        cp.Environment["Logging__LogLevel__JumpCloudAdi.ControlPlane.Agents.SessionWarmup"] = "Information";
        await cp.StartAsync();
        await Processes.WaitUntilAsync(() => Task.FromResult(cp.Log.Contains("SessionWarmup[115]", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the session warm-up logged that it ran");
        Assert.DoesNotContain("SessionWarmup[116]", cp.Log, StringComparison.Ordinal);
        // The log does show compilations: the warm-up's own, of the change page among them.
        Assert.Contains(Compilations(cp.Log), c => c.Contains("DbSet<ChangeEntry>()", StringComparison.Ordinal));

        // What comes before a session (API calls, the enrollment) compiles its own statements; the mark is after them.
        var domainId = await cp.Client.CreateDomainAsync($"DC={ApiAssert.Unique("warm")};DC=example;DC=com");
        var userId = await cp.Client.CreateUserAsync(ApiAssert.Unique("warm.user"), "Warm", "User");
        await cp.Client.BindUserAsync(domainId, userId);
        var (_, connectKey) = await cp.Client.CreateConnectKeyAsync(domainId);
        using var gateway = new GatewayClient(cp.Url, cp.Certificates.CaPath);
        await using var agent = await RawAgent.EnrollAsync(gateway, connectKey, "warm-host");
        await using var db = new ControlPlaneDb(new DbContextOptionsBuilder<ControlPlaneDb>()
            .UseSqlite($"Data Source={cp.DatabasePath}").Options);
        var lastSeq = await db.Domains.Where(d => d.Id == domainId).Select(d => d.LastSeq).SingleAsync();
        _ = await ContactAtAsync(db, agent.Id);
        var mark = cp.Log.Length;

        await agent.ConnectAsync("warm-host");
        var epoch = await agent.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        await Processes.WaitUntilAsync(() => Task.FromResult(agent.Changes.Any(c => c.Seq == lastSeq)), TimeSpan.FromSeconds(30), "the domain's log sent");
        await agent.AckAsync(epoch, agent.Changes.Select(c => new EntryResult { Seq = c.Seq, Outcome = Outcome.Applied, ObjectId = c.ObjectId, Anchor = $"uid={c.Seq}" }));
        await Processes.WaitUntilAsync(async () =>
            await db.Domains.AnyAsync(d => d.Id == domainId && d.AckedSeq == lastSeq)
            && await db.SyncStatuses.AnyAsync(s => s.DomainId == domainId && s.ObjectId == userId && s.Anchor != null)
            && await db.SyncHistory.AnyAsync(h => h.DomainId == domainId && h.ObjectId == userId),
            TimeSpan.FromSeconds(30), "the acknowledgement recorded (cursor, sync status, history)");
        var contactBefore = await ContactAtAsync(db, agent.Id); // the hello's
        Assert.NotNull(contactBefore);
        await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat { Epoch = epoch } });
        await Processes.WaitUntilAsync(async () => await ContactAtAsync(db, agent.Id) > contactBefore, TimeSpan.FromSeconds(30),
            "the heartbeat's contact time written");

        var compiled = Compilations(cp.Log[mark..]);
        Assert.True(compiled.Count == 0, $"compiled during the session:\n{string.Join("\n", compiled)}");
    }

    /// <summary>The statements a console log says EF Core compiled (each message up to the next one).</summary>
    private static List<string> Compilations(string log) =>
        Regex.Split(log, @"\n(?=(?:trce|dbug|info|warn|fail|crit): )").Where(m => m.Contains("Compiling query expression", StringComparison.Ordinal)).ToList();

    private static async Task<DateTimeOffset?> ContactAtAsync(ControlPlaneDb db, string agentId) =>
        await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.ContactAt).SingleAsync();
}
