using System.Diagnostics;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>Kill -9 the primary agent, then bind a user: time until the new primary has written it.</summary>
internal static class FailoverBenchmark
{
    public static async Task RunAsync(int rounds)
    {
        Console.WriteLine($"== failover: {rounds} rounds, two agents, kill -9 of the primary (Agents:LeaseSeconds default)");
        await using var setup = await BenchmarkSetup.StartAsync(agents: 2);
        using var observer = new LdapObserver(setup.Slapd);
        var results = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var primaryId = await setup.WaitForPrimaryAsync(TimeSpan.FromSeconds(30));
            var primary = setup.AgentIds.Single(kv => kv.Value == primaryId).Key;
            var username = $"fail{round:D3}";
            var userId = await setup.ControlPlane.CreateUserAsync(username, "Fail", "Over");

            var start = Stopwatch.GetTimestamp();
            primary.Kill();
            await setup.ControlPlane.BindUserAsync(setup.DomainId, userId);
            var ms = await observer.WaitForAsync(username, start, TimeSpan.FromSeconds(60));
            results.Add(ms);
            Console.WriteLine($"   round {round + 1}: {ms:0} ms");

            primary.Start();
            await JumpCloudAdi.IntegrationTests.Infrastructure.Processes.WaitUntilAsync(
                async () => (await setup.ControlPlane.AgentsAsync(setup.DomainId)).All(a => a!["state"]!.GetValue<string>() == "active"),
                TimeSpan.FromSeconds(60), "the killed agent back as a standby");
        }

        Console.WriteLine($"   kill -9 primary -> change applied by the new primary: {Percentiles.Summary(results)}   (target < 5000 ms)");
    }
}
