using System.Diagnostics;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>End-to-end latency at low load: the association call that binds a user -> its entry visible in slapd.</summary>
internal static class LatencyBenchmark
{
    public static async Task RunAsync(int samples)
    {
        Console.WriteLine($"== latency: {samples} sequential binds, one agent, private slapd; {PublishedControlPlane.Describe()}");
        await using var setup = await BenchmarkSetup.StartAsync(agents: 1);
        using var observer = new LdapObserver(setup.Slapd);
        var results = new List<double>();
        for (var i = -10; i < samples; i++)
        {
            var username = $"lat{i + 10:D5}";
            var userId = await setup.ControlPlane.CreateUserAsync(username, "Lat", "Ency");
            var start = Stopwatch.GetTimestamp();
            await setup.ControlPlane.BindUserAsync(setup.DomainId, userId);
            var ms = await observer.WaitForAsync(username, start, TimeSpan.FromSeconds(30));
            if (i >= 0)
            {
                results.Add(ms);
            }
        }

        Console.WriteLine($"   API call -> visible in LDAP: {Percentiles.Summary(results)}   (target p99 < 50 ms)");
    }
}
