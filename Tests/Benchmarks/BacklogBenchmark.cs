using System.Diagnostics;
using System.Runtime.InteropServices;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using static JumpCloudAdi.Benchmarks.ProvisionBenchmark;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// A backlog drain: N users, each bound to the domain by its own association call while no agent runs, then the
/// NativeAOT agent starts and the benchmark times it until all N are in a fresh slapd; beside <c>ldapadd -c</c> of the
/// same entries into an identical fresh slapd. Both slapds run the <c>cn=Monitor</c> backend, so the operations per
/// user are slapd's own count.
/// </summary>
internal static class BacklogBenchmark
{
    private const string People = "ou=People," + SlapdServer.Suffix;

    public static async Task RunAsync(int users, bool warm)
    {
        Console.WriteLine($"== backlog: {users} users, each bound by its own association call before the agent starts; then the NativeAOT agent "
            + $"drains the backlog into a fresh private slapd, beside ldapadd -c of the same entries into an identical fresh slapd; {PublishedControlPlane.Describe()}; {Environment.ProcessorCount} cores");
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var ct = stop.Token;
        using var temp = new TempDirectory();

        var binary = await PublishAgentAsync(temp.Sub("aot"), ct);
        var controlPlaneDll = await PublishedControlPlane.PublishAsync(ct);
        var people = Enumerable.Range(0, users).Select(i => new User($"bl{i:D6}", "Back", $"Log{i:D6}")).ToList();
        var ldifPath = temp.Sub("users.ldif");
        await File.WriteAllTextAsync(ldifPath, Ldif(people), ct);
        var ldaps = await LdapAddAsync(ldifPath, secure: true, users, ct);

        var slapd = new SlapdServer { Monitor = true };
        PublishedControlPlane? controlPlane = null;
        NativeAgentProcess? agent = null;
        try
        {
            await slapd.InitializeAsync();
            var slapdPid = SlapdPid(slapd);
            controlPlane = await PublishedControlPlane.StartAsync(controlPlaneDll, temp.Sub("cp"));
            var cp = controlPlane;
            var domainId = await cp.CreateDomainAsync();
            var (_, key) = await cp.CreateConnectKeyAsync(domainId);
            agent = new NativeAgentProcess(binary, temp.Sub("agent"));
            await agent.InstallAsync(cp, slapd, key);

            // The backlog: every user bound by its own call (one transaction and a few change-log entries each).
            var ids = new string[users];
            var watch = Stopwatch.StartNew();
            await ParallelAsync(users, async i => ids[i] = await cp.CreateUserAsync(people[i].Username, people[i].First, people[i].Last), "users created", ct);
            var createTime = watch.Elapsed;
            var bindCpu = cp.CpuSeconds();
            watch.Restart();
            await ParallelAsync(users, i => cp.BindUserAsync(domainId, ids[i]), "users bound", ct);
            var bindTime = watch.Elapsed;
            bindCpu = cp.CpuSeconds() - bindCpu;
            Console.WriteLine($"   backlog (8 concurrent requests): {users} x POST /api/systemusers in {createTime.TotalSeconds:0.0} s ({users / createTime.TotalSeconds:0} /s); "
                + $"{users} x POST /api/v2/activedirectories/{{id}}/associations (type user) in {bindTime.TotalSeconds:0.0} s ({users / bindTime.TotalSeconds:0} /s, "
                + $"control plane CPU {bindCpu * 1000 / users:0.00} ms per call)");

            var drain = await DrainAsync(cp, domainId, agent, slapd, slapdPid, users, users, ct);
            var fromLease = users / (drain.AllVisible - drain.Primary).TotalSeconds;
            var fromStart = users / drain.AllVisible.TotalSeconds;
            Console.WriteLine($"   agent process started -> primary (lease granted, seen by the API) {drain.Primary.TotalSeconds:0.00} s, first user added "
                + $"{drain.FirstAdd.TotalSeconds:0.00} s, all {users} users in slapd {drain.AllVisible.TotalSeconds:0.00} s");
            Console.WriteLine($"   agent: {fromLease:0} users/s from the lease to all visible (the drain); {fromStart:0} users/s from process start");
            Console.WriteLine($"   ldapadd -c of the same {users} entries over LDAPS into a fresh identical slapd: {ldaps.Elapsed.TotalSeconds:0.00} s = {ldaps.Rate:0} users/s");
            Console.WriteLine($"   ratio agent/ldapadd: {fromLease / ldaps.Rate:0.00} (drain)   {fromStart / ldaps.Rate:0.00} (from process start)   (target >= 1.0)");
            double PerUser(double cpu) => cpu * 1000 / users;
            Console.WriteLine($"   CPU per user (process start -> all visible): agent {PerUser(drain.AgentCpu):0.000} ms, slapd {PerUser(drain.SlapdCpu):0.000} ms "
                + $"(ldapadd's slapd {PerUser(ldaps.SlapdCpu):0.000} ms), control plane {PerUser(drain.ControlPlaneCpu):0.000} ms (its own process)");
            Console.WriteLine($"   operations seen by slapd (cn=Monitor, the observer's own searches left out): agent {drain.Ops.PerUser(users)}; "
                + $"ldapadd {ldaps.Ops.PerUser(users)}");
            Console.WriteLine($"   agent memory peak while draining: VmRSS {MiB(drain.PeakRssKiB)} MiB, private {MiB(drain.PeakPrivateKiB)} MiB; "
                + $"lease epoch {drain.EpochAtPrimary} at the grant, {drain.EpochAtEnd} at the end ({(drain.EpochAtEnd == drain.EpochAtPrimary ? "the lease was held throughout" : "the lease was LOST and granted again")})");
            if (warm)
            {
                // The same backlog again on the same control plane process (its code warm): a second domain, never synced
                // like the first, with its own agent and fresh slapd (on the first domain, now synced, the next primary
                // would reconcile it too).
                agent.Dispose();
                await using var slapd2 = new SlapdServer { Monitor = true };
                await slapd2.InitializeAsync();
                var domain2 = await cp.CreateDomainAsync("DC=warm;DC=example;DC=com");
                var (_, key2) = await cp.CreateConnectKeyAsync(domain2);
                using var agent2 = new NativeAgentProcess(binary, temp.Sub("agent2"));
                await agent2.InstallAsync(cp, slapd2, key2);
                var more = Enumerable.Range(0, users).Select(i => new User($"bw{i:D6}", "Warm", $"Log{i:D6}")).ToList();
                await ParallelAsync(users, async i => ids[i] = await cp.CreateUserAsync(more[i].Username, more[i].First, more[i].Last), "users created", ct);
                await ParallelAsync(users, i => cp.BindUserAsync(domain2, ids[i]), "users bound", ct);
                var again = await DrainAsync(cp, domain2, agent2, slapd2, SlapdPid(slapd2), users, users, ct);
                var warmRate = users / (again.AllVisible - again.Primary).TotalSeconds;
                Console.WriteLine($"   warm control plane (a second never-synced domain of {users} on the same process, its own agent and fresh slapd): "
                    + $"{warmRate:0} users/s from the lease ({warmRate / ldaps.Rate:0.00} of ldapadd); CPU per user agent {PerUser(again.AgentCpu):0.000} ms, "
                    + $"slapd {PerUser(again.SlapdCpu):0.000} ms, control plane {PerUser(again.ControlPlaneCpu):0.000} ms; operations {again.Ops.PerUser(users)}");
            }
        }
        catch (Exception)
        {
            PrintLogs(agent, controlPlane);
            throw;
        }
        finally
        {
            agent?.Dispose();
            if (controlPlane is not null)
            {
                await controlPlane.DisposeAsync();
            }

            await slapd.DisposeAsync();
        }
    }

    internal static void PrintLogs(NativeAgentProcess? agent, PublishedControlPlane? controlPlane)
    {
        if (agent is not null && !string.IsNullOrEmpty(agent.LogTail))
        {
            Console.Error.WriteLine($"   agent log (last lines):\n{agent.LogTail}");
        }

        if (controlPlane is not null && !string.IsNullOrEmpty(controlPlane.LogTail))
        {
            Console.Error.WriteLine($"   control plane log (last lines):\n{controlPlane.LogTail}");
        }
    }

    private sealed record Drain(TimeSpan Primary, TimeSpan FirstAdd, TimeSpan AllVisible, double AgentCpu, double SlapdCpu, double ControlPlaneCpu,
        OperationCounts Ops, long PeakRssKiB, long PeakPrivateKiB, long EpochAtPrimary, long EpochAtEnd);

    /// <summary>
    /// Starts the agent and polls slapd's completed-add counter (a base search of <c>cn=Add,cn=Operations,cn=Monitor</c>,
    /// cheap) every 20 ms; once it reaches <paramref name="users"/>, one listing confirms all are there. The agent's
    /// memory is sampled every <see cref="MemoryEvery"/> (its peak is reported), so that reading its smaps does not take
    /// CPU from the drain.
    /// </summary>
    private static async Task<Drain> DrainAsync(PublishedControlPlane cp, string domainId, NativeAgentProcess agent, SlapdServer slapd, int slapdPid, int users,
        int total, CancellationToken ct)
    {
        using var observer = new LdapObserver(slapd);
        var ops0 = observer.Mark();
        var adds0 = ops0.Counts["Add"];
        var slapdCpu = ProcessStats.CpuSeconds(slapdPid);
        // The first /metrics scrape (cold: the exporter and its gauges' queries) and the first call of the endpoint polled
        // for the primary before the CPU reading, so that compiling them is not counted as the drain's work.
        var runtime0 = await cp.RuntimeTotalsAsync();
        _ = await cp.Client.PrimaryAgentAsync(domainId);
        var controlPlaneCpu = cp.CpuSeconds();
        var deadline = TimeSpan.FromSeconds(Math.Max(300, users / 10.0));
        var start = Stopwatch.GetTimestamp();
        agent.Start();
        TimeSpan? primary = null, firstAdd = null;
        long epoch = 0;
        long peakRss = 0, peakPrivate = 0;
        long memorySampled = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            CheckAlive(agent);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed > deadline)
            {
                throw new TimeoutException($"the backlog of {users} users was not drained after {elapsed.TotalSeconds:0} s");
            }

            if (primary is null && await cp.Client.PrimaryAgentAsync(domainId) is not null)
            {
                primary = Stopwatch.GetElapsedTime(start);
                epoch = await cp.LeaseEpochAsync(domainId);
            }

            var adds = observer.Completed("Add") - adds0;
            if (adds > 0 && firstAdd is null)
            {
                firstAdd = Stopwatch.GetElapsedTime(start);
            }

            if (Stopwatch.GetElapsedTime(memorySampled) >= MemoryEvery)
            {
                memorySampled = Stopwatch.GetTimestamp();
                var (rss, priv) = ProcessStats.Memory(agent.Pid);
                peakRss = Math.Max(peakRss, rss);
                peakPrivate = Math.Max(peakPrivate, priv);
            }

            if (adds >= users && observer.Count(People, "(objectClass=inetOrgPerson)") >= total)
            {
                break;
            }

            await Task.Delay(primary is null ? 50 : 20, ct);
        }

        var allVisible = Stopwatch.GetElapsedTime(start);
        var agentCpu = ProcessStats.CpuSeconds(agent.Pid);
        slapdCpu = ProcessStats.CpuSeconds(slapdPid) - slapdCpu;
        controlPlaneCpu = cp.CpuSeconds() - controlPlaneCpu;
        Console.WriteLine($"   control plane's runtime during the drain (its /metrics): {await cp.RuntimeTotalsAsync() - runtime0}");
        // The last sample, so that the peak includes the end of the drain.
        var (lastRss, lastPrivate) = ProcessStats.Memory(agent.Pid);
        peakRss = Math.Max(peakRss, lastRss);
        peakPrivate = Math.Max(peakPrivate, lastPrivate);
        var ops1 = observer.Mark();
        return new Drain(primary ?? allVisible, firstAdd ?? allVisible, allVisible, agentCpu, slapdCpu, controlPlaneCpu,
            ops1.Counts.Since(ops0.Counts, ops1.Mark - ops0.Mark), peakRss, peakPrivate, epoch, await cp.LeaseEpochAsync(domainId));
    }
}
