using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>
/// Real processes, real slapd, two agents: during a stream of ~2,000 changes the primary agent is killed, the control
/// plane is killed and restarted, or slapd goes away for 10 s. Afterwards the directory must equal the desired state
/// exactly: nothing lost, no duplicate, every password works for a bind.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests
{
    private static readonly TimeSpan _convergence = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Killing_the_primary_agent_loses_and_doubles_nothing() =>
        await RunAsync(async setup =>
        {
            var primary = await setup.PrimaryProcessAsync();
            primary.Kill();
        });

    [Fact]
    public async Task Killing_and_restarting_the_control_plane_loses_and_doubles_nothing() =>
        await RunAsync(async setup =>
        {
            setup.ControlPlane.Kill();
            await setup.ControlPlane.StartAsync();
        });

    [Fact]
    public async Task A_directory_outage_of_ten_seconds_loses_and_doubles_nothing()
    {
        Task? restart = null;
        await RunAsync(setup =>
        {
            setup.Slapd.Kill();
            // The outage lasts while changes keep being made through the API.
            restart = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                await setup.Slapd.RestartAsync();
            });
            return Task.CompletedTask;
        }, beforeVerify: () => restart ?? throw new InvalidOperationException("the outage never started"));
    }

    /// <param name="beforeVerify">Awaited before the directory is compared (e.g. the directory's own restart).</param>
    private static async Task RunAsync(Func<ChaosSetup, Task> chaos, Func<Task>? beforeVerify = null)
    {
        await using var setup = await ChaosSetup.StartAsync();
        var workload = new ChaosWorkload(setup.ControlPlane.Client, setup.DomainId);
        await workload.RunAsync(chaosAt: 150, () => chaos(setup));
        Assert.True(workload.Desired.Changes >= 2000, $"the stream had {workload.Desired.Changes} changes");
        if (beforeVerify is not null)
        {
            await beforeVerify();
            await Processes.WaitUntilAsync(async () => (await setup.Slapd.SearchAsync("dc=example,dc=com", "(ou=People)")).Count == 1,
                TimeSpan.FromSeconds(60), "slapd back");
        }

        await DirectoryAssert.ConvergesAsync(setup.Slapd, workload.Desired, _convergence, setup.Diagnostics);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "Chaos";
}
