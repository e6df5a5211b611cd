using System.Globalization;

namespace JumpCloudAdi.Benchmarks;

/// <summary>Resident and private memory and CPU time of a process, from /proc.</summary>
internal static class ProcessStats
{
    public static (long RssKiB, long PrivateKiB) Memory(int pid)
    {
        long rss = 0, priv = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKiB(line);
            }
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
        {
            if (line.StartsWith("Private_Dirty:", StringComparison.Ordinal) || line.StartsWith("Private_Clean:", StringComparison.Ordinal))
            {
                priv += ParseKiB(line);
            }
        }

        return (rss, priv);
    }

    /// <summary><c>Private_Dirty</c> alone from <c>/proc/PID/smaps_rollup</c> (KiB).</summary>
    public static long PrivateDirtyKiB(int pid) =>
        File.ReadLines($"/proc/{pid}/smaps_rollup").Where(l => l.StartsWith("Private_Dirty:", StringComparison.Ordinal)).Sum(ParseKiB);

    /// <summary>The first process whose command line (NUL-separated arguments) satisfies <paramref name="match"/>.</summary>
    public static int? FindPid(Func<string[], bool> match)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (args.Length > 0 && match(args))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return null;
    }

    /// <summary>User + system CPU seconds consumed so far.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command: state is index 0, utime index 11, stime index 12 (clock ticks, 100 Hz on Linux).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>
    /// CPU seconds of <paramref name="pid"/> and all its live descendants, with what their ended children used
    /// (a forking server such as Samba).
    /// </summary>
    public static double TreeCpuSeconds(int pid)
    {
        var parents = new Dictionary<int, int>();
        var cpu = new Dictionary<int, double>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // state 0, ppid 1, utime 11, stime 12, cutime 13, cstime 14 (clock ticks, 100 Hz).
                parents[p] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                cpu[p] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        bool InTree(int p)
        {
            for (var depth = 0; depth < 64 && p > 1; depth++)
            {
                if (p == pid)
                {
                    return true;
                }

                p = parents.GetValueOrDefault(p);
            }

            return false;
        }

        return cpu.Where(c => InTree(c.Key)).Sum(c => c.Value);
    }

    private static long ParseKiB(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
