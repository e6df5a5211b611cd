using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// The agent as a systemd service: <c>install --service</c> writes a unit that <c>systemd-analyze verify</c> accepts,
/// runs it as a dedicated user that alone owns the settings folder, <c>uninstall</c> removes it; and the running agent
/// speaks systemd's notify protocol (READY, STATUS, WATCHDOG) to the socket in <c>NOTIFY_SOCKET</c>.
/// </summary>
public sealed class ServiceTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    [Fact]
    public async Task Install_as_a_service_writes_a_unit_systemd_verifies_with_a_dedicated_user_owning_the_settings_and_uninstall_removes_it()
    {
        Assert.True(Environment.UserName == "root", "the service test needs root (the test command runs as root or with sudo)");
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var units = temp.Sub("units");
        var user = "jcadi-t" + Guid.NewGuid().ToString("N")[..8];
        var agent = new AgentProcess(temp.Sub("etc-jcadi"));
        try
        {
            var installed = await agent.TryInstallAsync(controlPlane, slapd, "a-connect-key", new Dictionary<string, string?>
            {
                ["--service"] = "", ["--service-user"] = user, ["--systemd-unit-dir"] = units, ["--no-start"] = "",
            });
            installed.EnsureSuccess("install --service");
            Assert.Contains($"Created the system user '{user}'", installed.Output, StringComparison.Ordinal);

            var unitPath = Path.Combine(units, "jumpcloud-adi-agent.service");
            var unit = await File.ReadAllTextAsync(unitPath);
            foreach (var line in new[]
            {
                "Type=notify", $"User={user}", "WatchdogSec=60", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                $"ReadWritePaths={agent.Directory}", "CapabilityBoundingSet=", "RestartPreventExitStatus=2 3 4",
            })
            {
                Assert.Contains("\n" + line + "\n", unit, StringComparison.Ordinal);
            }

            Assert.Contains($" run --config {agent.ConfigPath}\n", unit, StringComparison.Ordinal);

            var verify = await Processes.RunAsync("systemd-analyze", ["verify", unitPath], timeout: TimeSpan.FromMinutes(1));
            Assert.True(verify.ExitCode == 0 && verify.Output.Trim().Length == 0, $"systemd-analyze verify: exit {verify.ExitCode}: {verify.Output}");

            // The settings folder and its secrets belong to the service user alone.
            var owner = await Processes.RunAsync("stat", ["-c", "%U %a", agent.Directory, agent.ConfigPath, agent.ConfigPath + ".key"], timeout: TimeSpan.FromSeconds(30));
            Assert.Equal([$"{user} 700", $"{user} 600", $"{user} 600"], owner.EnsureSuccess("stat").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            var removed = await AgentProcess.CliAsync("uninstall", "--config", agent.ConfigPath, "--systemd-unit-dir", units);
            removed.EnsureSuccess("uninstall");
            Assert.False(File.Exists(unitPath));
            Assert.True(File.Exists(agent.ConfigPath), "uninstall without --purge keeps the settings");

            (await AgentProcess.CliAsync("uninstall", "--config", agent.ConfigPath, "--systemd-unit-dir", units, "--purge")).EnsureSuccess("uninstall --purge");
            Assert.False(File.Exists(agent.ConfigPath));
            Assert.False(File.Exists(agent.ConfigPath + ".key"));
        }
        finally
        {
            await Processes.RunAsync("userdel", [user], timeout: TimeSpan.FromSeconds(30));
        }
    }

    [Theory]
    [InlineData("/etc/agent.json", "a folder of its own")]
    [InlineData("/tmp/agent.json", "a folder of its own")]
    public async Task Install_as_a_service_refuses_a_shared_settings_folder_and_writes_nothing(string config, string mentioned)
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var agent = new AgentProcess(temp.Sub("agent"));
        var result = await agent.TryInstallAsync(controlPlane, slapd, "a-connect-key", new Dictionary<string, string?>
        {
            ["--config"] = config, ["--service"] = "", ["--systemd-unit-dir"] = temp.Sub("units"),
        });
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(mentioned, result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(config));
        Assert.False(Directory.Exists(temp.Sub("units")) && Directory.EnumerateFileSystemEntries(temp.Sub("units")).Any());
    }

    [Fact]
    public async Task Service_options_without_service_are_refused()
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var agent = new AgentProcess(temp.Sub("agent"));
        var result = await agent.TryInstallAsync(controlPlane, slapd, "a-connect-key", new Dictionary<string, string?> { ["--service-user"] = "someone" });
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("go with --service", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(agent.ConfigPath));
    }

    [Fact]
    public async Task The_running_agent_tells_systemd_it_is_ready_its_status_and_pings_the_watchdog()
    {
        using var temp = new TempDirectory();
        var socketPath = Path.Combine(temp.Path, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var messages = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!stop.IsCancellationRequested)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                messages.Enqueue(Encoding.UTF8.GetString(buffer, 0, n));
            }
        });

        await using (var h = await AgentHarness.StartAsync(slapd, agentEnvironment: new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "1000000",
        }))
        {
            await h.WaitUntilPrimaryAsync();
            await Processes.WaitUntilAsync(() => Task.FromResult(
                    messages.Contains("READY=1") && messages.Count(m => m == "WATCHDOG=1") >= 3
                    && messages.Any(m => m.StartsWith("STATUS=connected (primary)", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(30), $"READY, STATUS and WATCHDOG (got: {string.Join(" | ", messages)})");

            // Ready comes once, after the start-up checks, never before the agent can work.
            Assert.Single(messages, m => m == "READY=1");
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving);
    }

    [Fact]
    public async Task Status_exits_zero_only_while_the_agent_runs_and_is_connected()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        await h.WaitUntilPrimaryAsync();
        Processes.Result? status = null;
        await Processes.WaitUntilAsync(async () => (status = await AgentProcess.CliAsync("status", "--config", h.Agent.ConfigPath)).ExitCode == 0,
            TimeSpan.FromSeconds(30), $"status exit 0 while connected (last: {status?.ExitCode} {status?.Output})");
        Assert.Contains("Health:            healthy", status!.Output, StringComparison.Ordinal);

        h.Agent.Kill();
        var stopped = await AgentProcess.CliAsync("status", "--config", h.Agent.ConfigPath);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("Health:            the agent is not running (last seen connected (primary)", stopped.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_an_agent_that_never_ran_exits_non_zero()
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var agent = new AgentProcess(temp.Sub("agent"));
        (await agent.TryInstallAsync(controlPlane, slapd, "a-connect-key")).EnsureSuccess("install");
        var status = await AgentProcess.CliAsync("status", "--config", agent.ConfigPath);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("Health:            the agent has never run", status.Output, StringComparison.Ordinal);
    }
}
