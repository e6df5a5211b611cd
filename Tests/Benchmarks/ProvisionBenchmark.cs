using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net.Http.Json;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// Bulk provisioning through the control plane into a private slapd with the NativeAOT agent, beside <c>ldapadd -c</c>
/// of the same entries into an identical fresh slapd; then the agent's footprint (file size, VmRSS, private memory)
/// after a window of steady streaming and writing.
/// </summary>
internal static class ProvisionBenchmark
{
    private const int Concurrency = 8;
    private const string People = "ou=People," + SlapdServer.Suffix;
    private const string UserFilter = "(objectClass=inetOrgPerson)";
    private const string GroupName = "Provisioned";
    private const string GroupDn = "cn=" + GroupName + ",ou=Groups," + SlapdServer.Suffix;
    private const double DiskTargetMb = 15;
    private const double PrivateTargetMiB = 10;

    internal sealed record User(string Username, string First, string Last)
    {
        public string Email => $"{Username}@example.com";
        public string DisplayName => $"{First} {Last}";
    }

    internal readonly record struct Cpu(double Agent, double Slapd, double ControlPlane)
    {
        public static Cpu Read(int agentPid, int slapdPid, int controlPlanePid) =>
            new(ProcessStats.CpuSeconds(agentPid), ProcessStats.CpuSeconds(slapdPid), ProcessStats.CpuSeconds(controlPlanePid));

        public static Cpu operator -(Cpu a, Cpu b) => new(a.Agent - b.Agent, a.Slapd - b.Slapd, a.ControlPlane - b.ControlPlane);

        public static Cpu operator +(Cpu a, Cpu b) => new(a.Agent + b.Agent, a.Slapd + b.Slapd, a.ControlPlane + b.ControlPlane);
    }

    internal sealed record Baseline(string Transport, TimeSpan Elapsed, double SlapdCpu, int Users, OperationCounts Ops)
    {
        public double Rate => Users / Elapsed.TotalSeconds;
    }

    public static async Task RunAsync(int users, int seconds)
    {
        Console.WriteLine($"== provision: {users} users + 1 group of {users} through the control plane -> NativeAOT agent -> private slapd, "
            + $"beside ldapadd -c into an identical fresh slapd; then {seconds} s of steady streaming and writing; {PublishedControlPlane.Describe()}; {Environment.ProcessorCount} cores");
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var ct = stop.Token;
        using var temp = new TempDirectory();

        // 1. The agent as operators get it: one NativeAOT file.
        var binary = await PublishAgentAsync(temp.Sub("aot"), ct);
        var size = new FileInfo(binary).Length;
        var controlPlaneDll = await PublishedControlPlane.PublishAsync(ct);

        // 2. Baseline: ldapadd -c of the same entries, over LDAPS (the agent's transport) and plain LDAP, each into a fresh slapd:
        // the users and then the group with all of them as members, as the agent leaves them (slapd's memberof overlay
        // then writes each user's memberOf, for ldapadd as for the agent).
        var people = Enumerable.Range(0, users).Select(i => new User($"pv{i:D6}", "Prov", $"User{i:D6}")).ToList();
        var ldifPath = temp.Sub("users.ldif");
        await File.WriteAllTextAsync(ldifPath, Ldif(people) + GroupLdif(people), ct);
        var ldaps = await LdapAddAsync(ldifPath, secure: true, users, ct);
        var plain = await LdapAddAsync(ldifPath, secure: false, users, ct);

        // 3. The agent's run.
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
            agent.Start();
            var uptime = Stopwatch.StartNew();
            var running = agent;
            await WaitAsync(async () => (await cp.AgentsAsync(domainId)).All(a => a!["state"]!.GetValue<string>() == "active")
                                        && await cp.Client.PrimaryAgentAsync(domainId) is not null,
                TimeSpan.FromSeconds(90), "the native agent connected and primary", running, ct);
            var idle = ProcessStats.Memory(agent.Pid);
            Console.WriteLine($"   native agent connected and primary after {uptime.Elapsed.TotalSeconds:0.0} s: "
                + $"VmRSS {MiB(idle.RssKiB)} MiB, private {MiB(idle.PrivateKiB)} MiB, Private_Dirty {MiB(ProcessStats.PrivateDirtyKiB(agent.Pid))} MiB (idle)");

            // API phase: users, one group, its members (nothing reaches a domain yet: the group is not bound).
            var ids = new string[users];
            var watch = Stopwatch.StartNew();
            await ParallelAsync(users, i => CreateUserAsync(cp, people[i], id => ids[i] = id), "users created", ct);
            var createTime = watch.Elapsed;
            var groupId = await cp.CreateGroupAsync(GroupName);
            watch.Restart();
            await ParallelAsync(users, i => cp.AddMemberAsync(groupId, ids[i]), "members added", ct);
            var memberTime = watch.Elapsed;
            Console.WriteLine($"   API phase ({Concurrency} concurrent requests): {users} x POST /api/systemusers in {createTime.TotalSeconds:0.0} s "
                + $"({users / createTime.TotalSeconds:0} /s); {users} x POST /api/v2/usergroups/{{id}}/members in {memberTime.TotalSeconds:0.0} s "
                + $"({users / memberTime.TotalSeconds:0} /s); total {(createTime + memberTime).TotalSeconds:0.0} s");

            // Provisioning: one association call binds the group; time until all users are visible in slapd.
            using var observer = new LdapObserver(slapd);
            var epoch = await cp.LeaseEpochAsync(domainId);
            var result = await ProvisionAsync(cp, domainId, groupId, agent, slapdPid, observer, [.. people.Select(p => p.Username)], ct);
            var agentRate = users / result.AllVisible.TotalSeconds;
            Console.WriteLine($"   association call -> all {users} users visible in slapd: {result.AllVisible.TotalSeconds:0.00} s = {agentRate:0} users/s end to end "
                + $"(the call itself returned after {result.CallTime.TotalSeconds:0.00} s; first users seen at {result.FirstSeen.TotalSeconds:0.00} s; "
                + $"group with all {users} members at {result.MembershipDone.TotalSeconds:0.00} s)");
            Console.WriteLine($"   ldapadd -c of the same {users} users and the group with them as members into a fresh identical slapd: LDAPS {ldaps.Elapsed.TotalSeconds:0.00} s = {ldaps.Rate:0} users/s; "
                + $"plain LDAP {plain.Elapsed.TotalSeconds:0.00} s = {plain.Rate:0} users/s");
            Console.WriteLine($"   ratio agent/ldapadd: {agentRate / ldaps.Rate:0.00} of ldapadd over LDAPS (same transport as the agent), "
                + $"{agentRate / plain.Rate:0.00} of plain ldapadd   (target >= 1.0 over LDAPS)");
            PrintLimits(result, ldaps, users);
            var epochAfter = await cp.LeaseEpochAsync(domainId);
            Console.WriteLine($"     lease epoch {epoch} before the call, {epochAfter} once all members were in slapd "
                + $"({(epochAfter == epoch ? "the lease was held throughout" : "the lease was LOST and granted again: a needless failover")})");

            // Steady streaming and writing, then the footprint.
            var steady = await SteadyAsync(cp, domainId, ids, agent, observer, seconds, ct);
            var final = ProcessStats.Memory(agent.Pid);
            var dirty = ProcessStats.PrivateDirtyKiB(agent.Pid);
            var mb = size / 1_000_000.0;
            Console.WriteLine($"   agent footprint: NativeAOT single file {mb:0.00} MB ({size / 1048576.0:0.00} MiB, {size} bytes)   (target <= {DiskTargetMb:0} MB: {Met(mb <= DiskTargetMb)})");
            Console.WriteLine($"   after {seconds} s of streaming and writing ({steady}; agent up {uptime.Elapsed.TotalSeconds:0} s, {users + steady.Created} users in its directory): "
                + $"VmRSS {MiB(final.RssKiB)} MiB, Private_Dirty {MiB(dirty)} MiB, private clean+dirty {MiB(final.PrivateKiB)} MiB   "
                + $"(target private <= {PrivateTargetMiB:0} MiB: {Met(dirty / 1024.0 <= PrivateTargetMiB)} for Private_Dirty, {Met(final.PrivateKiB / 1024.0 <= PrivateTargetMiB)} for clean+dirty)");
            Console.WriteLine($"   peaks: during provisioning VmRSS {MiB(result.PeakRssKiB)} MiB, private {MiB(result.PeakPrivateKiB)} MiB; "
                + $"during the steady window VmRSS {MiB(steady.PeakRssKiB)} MiB, private {MiB(steady.PeakPrivateKiB)} MiB");
        }
        catch (Exception)
        {
            BacklogBenchmark.PrintLogs(agent, controlPlane);
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

    private sealed record Provisioning(TimeSpan CallTime, TimeSpan FirstSeen, TimeSpan AllVisible, TimeSpan MembershipDone,
        Cpu CallCpu, Cpu StreamCpu, long AgentWriteSyscalls, int Polls, TimeSpan PollTime, long PeakRssKiB, long PeakPrivateKiB, OperationCounts Ops);

    private static async Task<Provisioning> ProvisionAsync(PublishedControlPlane cp, string domainId, string groupId, NativeAgentProcess agent,
        int slapdPid, LdapObserver observer, IReadOnlyList<string> usernames, CancellationToken ct)
    {
        // The association of a large group does its work inside the call: a client with a long timeout.
        using var http = cp.CreateClient(PublishedControlPlane.ApiKey);
        http.Timeout = TimeSpan.FromMinutes(10);
        var deadline = TimeSpan.FromSeconds(Math.Max(300, usernames.Count / 10.0));
        var ops0 = observer.Mark();
        var syscalls0 = WriteSyscalls(agent.Pid);
        var cpu0 = Cpu.Read(agent.Pid, slapdPid, cp.Pid);
        var start = Stopwatch.GetTimestamp();
        using (var response = await http.PostAsJsonAsync($"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user_group", id = groupId }, ct))
        {
            if ((int)response.StatusCode != 204)
            {
                throw new InvalidOperationException($"binding the group returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        }

        var callTime = Stopwatch.GetElapsedTime(start);
        var cpu1 = Cpu.Read(agent.Pid, slapdPid, cp.Pid);

        // Poll cheaply, every 20 ms: slapd's completed-add counter (a base search of cn=Monitor). Once it has counted an
        // add per user, the users still missing are looked up by uid (an OR of equality terms, indexed), then every 20 ms
        // until none is. (Listing ou=People instead costs slapd more than the agent's adds and, done every few seconds,
        // made the end a poll interval late: 2.3 s measured for a provisioning the agent's log shows done in 0.9 s.)
        TimeSpan? firstSeen = null;
        var polls = 0;
        var pollTime = TimeSpan.Zero;
        long peakRss = 0, peakPrivate = 0;
        long memorySampled = 0;
        var adds0 = ops0.Counts["Add"];
        var missing = new HashSet<string>(usernames, StringComparer.OrdinalIgnoreCase);
        while (missing.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            CheckAlive(agent);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed > deadline)
            {
                throw new TimeoutException($"only {usernames.Count - missing.Count} of {usernames.Count} users visible in slapd after {elapsed.TotalSeconds:0} s");
            }

            var pollStart = Stopwatch.GetTimestamp();
            var adds = observer.Completed("Add") - adds0;
            if (adds >= usernames.Count)
            {
                foreach (var chunk in missing.Chunk(1000).ToList())
                {
                    var filter = $"(|{string.Concat(chunk.Select(u => $"(uid={u})"))})";
                    missing.ExceptWith(observer.Dns(People, filter).Select(UidOf));
                }
            }

            pollTime += Stopwatch.GetElapsedTime(pollStart);
            polls++;
            if (Stopwatch.GetElapsedTime(memorySampled) >= MemoryEvery || missing.Count == 0)
            {
                memorySampled = Stopwatch.GetTimestamp();
                var (rss, priv) = ProcessStats.Memory(agent.Pid);
                peakRss = Math.Max(peakRss, rss);
                peakPrivate = Math.Max(peakPrivate, priv);
            }

            if (adds > 0 && firstSeen is null)
            {
                firstSeen = Stopwatch.GetElapsedTime(start);
            }

            if (missing.Count > 0)
            {
                await Task.Delay(20, ct);
            }
        }

        var allVisible = Stopwatch.GetElapsedTime(start);
        var cpu2 = Cpu.Read(agent.Pid, slapdPid, cp.Pid);
        var syscalls = WriteSyscalls(agent.Pid) - syscalls0;
        // The agent writes a group's members in one modification: one member present means all are.
        var membership = Stopwatch.StartNew();
        while (!observer.Matches(GroupDn, $"(member=uid={usernames[^1]},{People})"))
        {
            CheckAlive(agent);
            if (membership.Elapsed > deadline)
            {
                throw new TimeoutException($"the group did not get its {usernames.Count} members in slapd");
            }

            await Task.Delay(20, ct);
        }

        var membershipDone = Stopwatch.GetElapsedTime(start);
        var ops1 = observer.Mark();
        return new Provisioning(callTime, firstSeen ?? allVisible, allVisible, membershipDone, cpu1 - cpu0, cpu2 - cpu1,
            syscalls, polls, pollTime, peakRss, peakPrivate, ops1.Counts.Since(ops0.Counts, ops1.Mark - ops0.Mark));
    }

    private static void PrintLimits(Provisioning p, Baseline ldaps, int users)
    {
        var streamWall = (p.AllVisible - p.CallTime).TotalSeconds;
        double Pct(double cpu, double wall) => cpu / wall * 100;
        double PerUser(double cpu) => cpu * 1000 / users;
        var ldapaddSlapd = PerUser(ldaps.SlapdCpu);
        var agentSlapd = PerUser(p.StreamCpu.Slapd);
        Console.WriteLine($"   what limits it (measured from /proc/PID/stat CPU time; 100% = one core busy):");
        Console.WriteLine($"     association call: {p.CallTime.TotalSeconds:0.00} s wall, control plane CPU {p.CallCpu.ControlPlane:0.00} s "
            + $"({Pct(p.CallCpu.ControlPlane, p.CallTime.TotalSeconds):0}%): one transaction writing {users + 2} change-log entries");
        Console.WriteLine($"     call returned -> all visible: {streamWall:0.00} s wall; agent CPU {p.StreamCpu.Agent:0.00} s ({Pct(p.StreamCpu.Agent, streamWall):0}%), "
            + $"slapd CPU {p.StreamCpu.Slapd:0.00} s ({Pct(p.StreamCpu.Slapd, streamWall):0}%), control plane CPU {p.StreamCpu.ControlPlane:0.00} s "
            + $"({Pct(p.StreamCpu.ControlPlane, streamWall):0}%); observer: {p.Polls} polls taking {p.PollTime.TotalSeconds:0.00} s of round trips");
        Console.WriteLine($"     slapd CPU per user: {agentSlapd:0.000} ms from the agent vs {ldapaddSlapd:0.000} ms from ldapadd over LDAPS "
            + $"(x{agentSlapd / ldapaddSlapd:0.0}); agent write syscalls per user: {(double)p.AgentWriteSyscalls / users:0.0} "
            + $"(one per LDAP request and gRPC frame; ldapadd sends 1 request per user)");
        Console.WriteLine($"     ldapadd run: {ldaps.Elapsed.TotalSeconds:0.00} s wall, slapd CPU {ldaps.SlapdCpu:0.00} s ({Pct(ldaps.SlapdCpu, ldaps.Elapsed.TotalSeconds):0}%)");
        var all = p.CallCpu + p.StreamCpu;
        Console.WriteLine($"     CPU per user, association call -> all visible: agent {PerUser(all.Agent):0.000} ms, slapd {PerUser(all.Slapd):0.000} ms, "
            + $"control plane {PerUser(all.ControlPlane):0.000} ms (its own process); ldapadd's slapd {ldapaddSlapd:0.000} ms");
        Console.WriteLine($"     operations seen by slapd (cn=Monitor, the observer's own searches left out): agent {p.Ops.PerUser(users)} "
            + $"incl. the group and its members; ldapadd over LDAPS {ldaps.Ops.PerUser(users)}");
        var pipeline = Pct(p.StreamCpu.Agent + p.StreamCpu.Slapd, streamWall);
        var idleShare = 100 - Pct(p.StreamCpu.Agent + p.StreamCpu.Slapd + p.StreamCpu.ControlPlane, streamWall * Environment.ProcessorCount);
        Console.WriteLine($"     -> while streaming, agent + slapd CPU = {pipeline:0}% of one core with {idleShare:0}% of the machine's {Environment.ProcessorCount} cores idle: "
            + (Pct(p.StreamCpu.Slapd, streamWall) > 90
                ? "slapd is saturated (CPU-bound)"
                : pipeline > 80
                    ? "latency-bound: at most two writes in flight (one per connection, each waits for its answer), so the agent and slapd take turns"
                    : "neither the agent nor slapd is busy: the agent waits on the control plane")
            + $", with {(double)p.AgentWriteSyscalls / users:0.0} requests per user costing slapd x{agentSlapd / ldapaddSlapd:0.0} the CPU of one add; "
            + $"the association call is {p.CallTime.TotalSeconds / p.AllVisible.TotalSeconds * 100:0}% of the end-to-end time");
    }

    private sealed record Steady(int Created, int Updated, long PeakRssKiB, long PeakPrivateKiB)
    {
        public override string ToString() => $"{Created} users created and bound, {Updated} users updated, 1 of each a second";
    }

    /// <summary>Every second: a new user bound directly to the domain, and an update (first name) of a provisioned user.</summary>
    private static async Task<Steady> SteadyAsync(PublishedControlPlane cp, string domainId, string[] ids, NativeAgentProcess agent, LdapObserver observer,
        int seconds, CancellationToken ct)
    {
        var window = Stopwatch.StartNew();
        int created = 0, updated = 0;
        long peakRss = 0, peakPrivate = 0;
        while (window.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            CheckAlive(agent);
            var id = await cp.CreateUserAsync($"st{created:D6}", "Steady", $"State{created:D6}");
            await cp.BindUserAsync(domainId, id);
            created++;
            await cp.MustAsync(HttpMethod.Put, $"/api/systemusers/{ids[updated % ids.Length]}", new { firstname = $"Upd{updated}" }, 200);
            updated++;
            var (rss, priv) = ProcessStats.Memory(agent.Pid);
            peakRss = Math.Max(peakRss, rss);
            peakPrivate = Math.Max(peakPrivate, priv);
            var next = TimeSpan.FromSeconds(created) - window.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next, ct);
            }
        }

        // Everything written in the window has landed (the agent kept up).
        var lastUpdated = $"pv{(updated - 1) % ids.Length:D6}";
        await WaitAsync(() => Task.FromResult(observer.Count(People, "(uid=st*)") == created && FirstName(observer, lastUpdated) == $"Upd{updated - 1}"),
            TimeSpan.FromSeconds(30), "the steady window's writes visible in slapd", agent, ct);
        return new Steady(created, updated, peakRss, peakPrivate);
    }

    private static string? FirstName(LdapObserver observer, string uid) => observer.FirstValue(People, $"(uid={uid})", "givenName");

    internal static string UidOf(string dn) => dn[(dn.IndexOf('=', StringComparison.Ordinal) + 1)..dn.IndexOf(',', StringComparison.Ordinal)];

    private static async Task CreateUserAsync(PublishedControlPlane cp, User user, Action<string> created)
    {
        var json = await cp.MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username = user.Username, email = user.Email, firstname = user.First, lastname = user.Last }, 200);
        created(json["_id"]!.GetValue<string>());
    }

    /// <summary>Runs <paramref name="count"/> operations with <see cref="Concurrency"/> in flight, reporting progress every 10 s.</summary>
    internal static async Task ParallelAsync(int count, Func<int, Task> operation, string what, CancellationToken ct)
    {
        var next = -1;
        var done = 0;
        var watch = Stopwatch.StartNew();
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(10_000, progressStop.Token);
                    await Console.Error.WriteLineAsync($"   ... {Volatile.Read(ref done)}/{count} {what} after {watch.Elapsed.TotalSeconds:0} s");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ct.ThrowIfCancellationRequested();
                await operation(i);
                Interlocked.Increment(ref done);
            }
        }, ct)).ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            await progressStop.CancelAsync();
            await progress;
        }
    }

    internal static async Task<Baseline> LdapAddAsync(string ldifPath, bool secure, int users, CancellationToken ct)
    {
        var server = new SlapdServer { Monitor = true };
        try
        {
            await server.InitializeAsync();
            var pid = SlapdPid(server);
            using var observer = new LdapObserver(server);
            var ops0 = observer.Mark();
            var cpu = ProcessStats.CpuSeconds(pid);
            ct.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var result = await Processes.RunAsync("ldapadd",
                ["-c", "-x", "-H", secure ? server.LdapsUrl : server.LdapUrl, "-D", SlapdServer.AdminDn, "-w", SlapdServer.AdminPassword, "-f", ldifPath],
                env: secure ? LdapTools.TlsEnv(server.CaPath) : null, timeout: TimeSpan.FromMinutes(15));
            var elapsed = watch.Elapsed;
            cpu = ProcessStats.CpuSeconds(pid) - cpu;
            result.EnsureSuccess("ldapadd -c");
            var ops1 = observer.Mark();
            var count = observer.Count(People, UserFilter);
            if (count != users)
            {
                throw new InvalidOperationException($"ldapadd left {count} of {users} users in slapd");
            }

            return new Baseline(secure ? "LDAPS" : "plain LDAP", elapsed, cpu, count, ops1.Counts.Since(ops0.Counts, ops1.Mark - ops0.Mark));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>The provisioned group as the agent leaves it in slapd: a <c>groupOfNames</c> with every user as a member.</summary>
    private static string GroupLdif(IEnumerable<User> users)
    {
        var text = new StringBuilder($"dn: {GroupDn}\nobjectClass: top\nobjectClass: groupOfNames\ncn: {GroupName}\n");
        foreach (var u in users)
        {
            text.Append(CultureInfo.InvariantCulture, $"member: uid={u.Username},{People}\n");
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The same entries the agent's OpenLDAP writer adds (attributes and values).</summary>
    internal static string Ldif(IEnumerable<User> users)
    {
        var text = new StringBuilder();
        foreach (var u in users)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                dn: uid={u.Username},{People}
                objectClass: top
                objectClass: person
                objectClass: organizationalPerson
                objectClass: inetOrgPerson
                uid: {u.Username}
                cn: {u.DisplayName}
                sn: {u.Last}
                displayName: {u.DisplayName}
                givenName: {u.First}
                mail: {u.Email}


                """);
        }

        return text.ToString();
    }

    /// <summary>
    /// A project of this checkout (<paramref name="relativePath"/> from the repository root) and the build cache to publish
    /// it with: one per checkout and <paramref name="cache"/>, so two checkouts never share (and corrupt) each other's
    /// intermediate files.
    /// </summary>
    internal static (string Project, string Artifacts) PublishPaths(string relativePath, string cache)
    {
        var root = typeof(ProvisionBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var checkout = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12];
        return (Path.Combine(root, relativePath), Path.Combine(Path.GetTempPath(), $"art-bench-{cache}-{checkout}"));
    }

    /// <summary>Publishes the agent NativeAOT once per run (into <paramref name="output"/>) and returns the binary.</summary>
    internal static async Task<string> PublishAgentAsync(string output, CancellationToken ct)
    {
        var (project, artifacts) = PublishPaths(Path.Combine("Agent", "Agent.csproj"), "aot");
        Console.WriteLine($"   publishing the agent NativeAOT: dotnet publish {project} -c Release -r linux-x64 -p:PublishAot=true -o {output} --artifacts-path {artifacts}");
        ct.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        var result = await Processes.RunAsync("dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "--artifacts-path", artifacts],
            timeout: TimeSpan.FromMinutes(20));
        result.EnsureSuccess("dotnet publish (NativeAOT agent)");
        var binary = Path.Combine(output, "jumpcloud-adi-agent");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException("the NativeAOT publish produced no agent binary", binary);
        }

        var others = Directory.GetFiles(output).Select(Path.GetFileName).Where(f => f != "jumpcloud-adi-agent").Order(StringComparer.Ordinal);
        Console.WriteLine($"   published in {watch.Elapsed.TotalSeconds:0} s: {binary} (also in the folder, not needed to run: {string.Join(", ", others)})");
        return binary;
    }

    internal static int SlapdPid(SlapdServer server) =>
        ProcessStats.FindPid(args => args[0].EndsWith("slapd", StringComparison.Ordinal) && args.Any(a => a.Contains($"127.0.0.1:{server.Port}/", StringComparison.Ordinal)))
        ?? throw new InvalidOperationException($"no slapd process on port {server.Port}");

    /// <summary>Write system calls (<c>syscw</c> in /proc/PID/io) made so far.</summary>
    private static long WriteSyscalls(int pid) =>
        File.ReadLines($"/proc/{pid}/io").Where(l => l.StartsWith("syscw:", StringComparison.Ordinal))
            .Select(l => long.Parse(l["syscw:".Length..].Trim(), CultureInfo.InvariantCulture)).Single();

    internal static void CheckAlive(NativeAgentProcess agent)
    {
        if (agent.HasExited)
        {
            throw new InvalidOperationException("the agent exited");
        }
    }

    internal static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, NativeAgentProcess agent, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        Exception? last = null;
        while (watch.Elapsed < timeout)
        {
            CheckAlive(agent);
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or LdapException or DirectoryOperationException or Xunit.Sdk.XunitException)
            {
                last = ex;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"{what} not reached within {timeout.TotalSeconds:0} s{(last is null ? "" : $" (last error: {last.Message})")}");
    }

    /// <summary>How often the provisioning poll reads the agent's memory (smaps_rollup is not free); the peak is reported.</summary>
    internal static readonly TimeSpan MemoryEvery = TimeSpan.FromMilliseconds(150);

    internal static string MiB(long kib) => (kib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Met(bool met) => met ? "met" : "NOT met";
}
