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
