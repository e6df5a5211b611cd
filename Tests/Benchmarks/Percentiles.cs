namespace JumpCloudAdi.Benchmarks;

internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];

    public static string Summary(List<double> samples)
    {
        samples.Sort();
        return $"n={samples.Count} p50={Of(samples, 50):0.0} ms p90={Of(samples, 90):0.0} ms p99={Of(samples, 99):0.0} ms max={samples[^1]:0.0} ms";
    }
}
