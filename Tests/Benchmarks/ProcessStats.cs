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

    private static long ParseKiB(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
