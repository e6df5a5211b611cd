using System.Diagnostics;
using System.Globalization;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// The NativeAOT agent's memory alone, without <c>provision</c>'s <c>ldapadd</c> baselines: idle after connecting, after a
/// burst of N users bound through one group, and after a window of steady streaming and writing; each with a breakdown of
/// <c>Private_Dirty</c> by mapping kind from <c>/proc/PID/smaps</c>. The agent inherits this process's environment, so
/// <c>DOTNET_*</c> runtime settings can be tried without a rebuild; <c>--binary</c> skips the publish.
/// </summary>
internal static class FootprintBenchmark
{
    private const int Concurrency = 8;
    private const string People = "ou=People," + SlapdServer.Suffix;

    public static async Task RunAsync(int users, int seconds, string? binary)
    {
        Console.WriteLine($"== footprint: NativeAOT agent idle, after {users} users bound through one group, then after {seconds} s of steady streaming and writing");
        using var temp = new TempDirectory();
        binary ??= await ProvisionBenchmark.PublishAgentAsync(temp.Sub("aot"), CancellationToken.None);
        var runtimeSettings = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("MALLOC_", StringComparison.Ordinal) || k.StartsWith("GLIBC_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}");
        var controlPlaneDll = await PublishedControlPlane.PublishAsync(CancellationToken.None);
        Console.WriteLine($"   binary {binary} ({new FileInfo(binary).Length / 1_000_000.0:0.00} MB); environment: {string.Join(' ', runtimeSettings)}");

        var slapd = new SlapdServer();
        PublishedControlPlane? cp = null;
        NativeAgentProcess? agent = null;
        try
        {
            await slapd.InitializeAsync();
            cp = await PublishedControlPlane.StartAsync(controlPlaneDll, temp.Sub("cp"));
            var domainId = await cp.CreateDomainAsync();
            var (_, key) = await cp.CreateConnectKeyAsync(domainId);
            agent = new NativeAgentProcess(binary, temp.Sub("agent"));
            await agent.InstallAsync(cp, slapd, key);
            agent.Start();
            var control = cp;
            await Processes.WaitUntilAsync(async () => (await control.AgentsAsync(domainId)).All(a => a!["state"]!.GetValue<string>() == "active")
                                                       && await control.Client.PrimaryAgentAsync(domainId) is not null,
                TimeSpan.FromSeconds(90), "the native agent connected and primary");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Print("idle", agent.Pid);

            using var observer = new LdapObserver(slapd);
            var ids = new string[users];
            await ParallelAsync(users, async i => ids[i] = await control.CreateUserAsync($"fp{i:D6}", "Foot", $"Print{i:D6}"));
            var groupId = await cp.CreateGroupAsync("Footprint");
            await ParallelAsync(users, i => control.AddMemberAsync(groupId, ids[i]));
            var cpu = ProcessStats.CpuSeconds(agent.Pid);
            var watch = Stopwatch.StartNew();
            await cp.BindGroupAsync(domainId, groupId);
            long peak = 0;
            await Processes.WaitUntilAsync(() =>
            {
                peak = Math.Max(peak, Dirty(agent.Pid));
                return Task.FromResult(observer.Count(People, "(uid=fp*)") == users);
            }, TimeSpan.FromSeconds(Math.Max(300, users / 10.0)), $"all {users} users in slapd");
            Console.WriteLine($"   {users} users in slapd {watch.Elapsed.TotalSeconds:0.0} s after binding the group (agent CPU {ProcessStats.CpuSeconds(agent.Pid) - cpu:0.00} s); "
                + $"peak Private_Dirty {MiB(peak)} MiB");
            Print("after the burst", agent.Pid);

            peak = 0;
            watch.Restart();
            var created = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var id = await cp.CreateUserAsync($"st{created:D6}", "Steady", $"State{created:D6}");
                await cp.BindUserAsync(domainId, id);
                await cp.MustAsync(HttpMethod.Put, $"/api/systemusers/{ids[created % users]}", new { firstname = $"Upd{created}" }, 200);
                created++;
                peak = Math.Max(peak, Dirty(agent.Pid));
                var next = TimeSpan.FromSeconds(created) - watch.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next);
                }
            }

            var last = created;
            await Processes.WaitUntilAsync(() => Task.FromResult(observer.Count(People, "(uid=st*)") == last), TimeSpan.FromSeconds(30), "the steady writes in slapd");
            Console.WriteLine($"   steady window: {created} users created and bound, {created} updated in {seconds} s; peak Private_Dirty {MiB(peak)} MiB");
            Print($"after {seconds} s of streaming", agent.Pid);
        }
        catch (Exception)
        {
            BacklogBenchmark.PrintLogs(agent, cp);
            throw;
        }
        finally
        {
            agent?.Dispose();
            if (cp is not null)
            {
                await cp.DisposeAsync();
            }

            await slapd.DisposeAsync();
        }
    }

    /// <summary>VmRSS, Private_Dirty and its breakdown by mapping kind, largest first.</summary>
    private static void Print(string when, int pid)
    {
        var (rss, priv) = ProcessStats.Memory(pid);
        var threads = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim();
        Console.WriteLine($"   {when}: VmRSS {MiB(rss)} MiB, Private_Dirty {MiB(Dirty(pid))} MiB, private clean+dirty {MiB(priv)} MiB, {threads} threads");
        var kinds = Mappings(pid).GroupBy(m => m.Kind).Select(g => (Kind: g.Key, Dirty: g.Sum(m => m.DirtyKiB), Count: g.Count()))
            .OrderByDescending(k => k.Dirty).ToList();
        var small = kinds.Where(k => k.Dirty < 100).ToList();
        Console.WriteLine("     Private_Dirty by mapping (MiB): " + string.Join("; ", kinds.Except(small).Select(k => $"{k.Kind} {MiB(k.Dirty)} ({k.Count} mappings)"))
            + $"; {small.Count} others {MiB(small.Sum(k => k.Dirty))}");
    }

    private static long Dirty(int pid) => ProcessStats.PrivateDirtyKiB(pid);

    private sealed record Mapping(ulong Start, ulong End, string Perms, string Path, long DirtyKiB)
    {
        public ulong Size => End - Start;

        public bool Anonymous => Path.Length == 0;
    }

    /// <summary>
    /// /proc/PID/smaps, each mapping with its kind: a file by its name; <c>[heap]</c> (glibc's main arena); anonymous
    /// memory as the executable's zero-initialized data (right after its file mapping), the GC's reservation (the largest
    /// anonymous range and the anonymous mappings contiguous with it), a glibc arena (a 64 MiB aligned reservation), a
    /// thread stack (after a guard page, at most 8 MiB) or other.
    /// </summary>
    private static List<(string Kind, long DirtyKiB)> Mappings(int pid)
    {
        var maps = new List<Mapping>();
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                var range = fields[0].Split('-');
                maps.Add(new Mapping(ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[1], fields.Length > 5 ? fields[5].Trim() : "", 0));
            }
            else if (maps.Count > 0 && fields[0] == "Private_Dirty:")
            {
                maps[^1] = maps[^1] with { DirtyKiB = long.Parse(fields[1], CultureInfo.InvariantCulture) };
            }
        }

        const ulong ArenaSize = 64UL << 20;
        var exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        var gc = maps.Where(m => m.Anonymous).MaxBy(m => m.Size);
        return [.. maps.Select((m, i) =>
        {
            var previous = i > 0 ? maps[i - 1] : null;
            var next = i + 1 < maps.Count ? maps[i + 1] : null;
            var kind = m.Path switch
            {
                "[heap]" => "[heap] glibc main arena",
                "[stack]" => "[stack] main thread",
                _ when !m.Anonymous => Path.GetFileName(m.Path),
                // .bss and the NativeAOT runtime's .hydrated type data.
                _ when previous is not null && previous.Path == exe && previous.End == m.Start => "executable .bss + .hydrated",
                _ when gc is not null && Contiguous(maps, i, maps.IndexOf(gc)) => "GC heap (anonymous)",
                _ when m.Start % ArenaSize == 0 && (m.Size == ArenaSize || (next is { Anonymous: true } && next.Perms.StartsWith("---", StringComparison.Ordinal)
                                                                            && next.End - m.Start == ArenaSize)) => "glibc arenas (anonymous)",
                _ when previous is { Anonymous: true } && previous.Perms.StartsWith("---", StringComparison.Ordinal)
                       && previous.End == m.Start && m.Size <= 8UL << 20 && m.Size > 64UL << 10 => "thread stacks (anonymous)",
                _ => "other anonymous",
            };
            return (kind, m.DirtyKiB);
        })];
    }

    /// <summary>True when the mappings <paramref name="a"/> to <paramref name="b"/> are anonymous and contiguous.</summary>
    private static bool Contiguous(List<Mapping> maps, int a, int b)
    {
        var (from, to) = a < b ? (a, b) : (b, a);
        for (var k = from; k < to; k++)
        {
            if (maps[k].End != maps[k + 1].Start || !maps[k].Anonymous || !maps[k + 1].Anonymous)
            {
                return false;
            }
        }

        return maps[from].Anonymous;
    }

    private static async Task ParallelAsync(int count, Func<int, Task> operation)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        })));
    }

    private static string MiB(long kib) => (kib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
