using JumpCloudAdi.Agent.Cli;
using JumpCloudAdi.Agent.Session;

namespace JumpCloudAdi.UnitTests.Agent;

public sealed class SystemdUnitTests
{
    [Theory]
    [InlineData("/usr/bin/jumpcloud-adi-agent", "/usr/bin/jumpcloud-adi-agent")]
    [InlineData("/opt/my agent/agent", "\"/opt/my agent/agent\"")]
    [InlineData("100%", "\"100%%\"")]
    [InlineData("$HOME", "\"$$HOME\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("", "\"\"")]
    public void Command_line_words_are_quoted_with_specifiers_and_variables_escaped(string word, string expected) =>
        Assert.Equal(expected, SystemdUnit.Quote(word));

    [Fact]
    public void The_unit_is_a_sandboxed_notify_service_of_its_user_that_can_write_only_its_settings_folder()
    {
        var text = new SystemdUnit("jcadi-agent", ["/usr/bin/jumpcloud-adi-agent", "run", "--config", "/etc/jumpcloud-adi/agent.json"], "/etc/jumpcloud-adi").Render();
        var lines = text.Split('\n');
        Assert.Contains("ExecStart=/usr/bin/jumpcloud-adi-agent run --config /etc/jumpcloud-adi/agent.json", lines);
        Assert.Contains("Type=notify", lines);
        Assert.Contains("User=jcadi-agent", lines);
        Assert.Contains("ProtectSystem=strict", lines);
        Assert.Contains("ReadWritePaths=/etc/jumpcloud-adi", lines);
        Assert.Single(lines, l => l.StartsWith("ReadWritePaths=", StringComparison.Ordinal));
        Assert.Contains("NoNewPrivileges=yes", lines);
        Assert.Contains("WantedBy=multi-user.target", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith(' '));
    }

    [Fact]
    public void The_watchdog_interval_comes_from_WATCHDOG_USEC_for_this_process_only()
    {
        try
        {
            Environment.SetEnvironmentVariable("WATCHDOG_USEC", "30000000");
            Environment.SetEnvironmentVariable("WATCHDOG_PID", null);
            Assert.Equal(TimeSpan.FromSeconds(30), SystemdServiceNotifier.WatchdogInterval());
            Environment.SetEnvironmentVariable("WATCHDOG_PID", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(TimeSpan.FromSeconds(30), SystemdServiceNotifier.WatchdogInterval());
            Environment.SetEnvironmentVariable("WATCHDOG_PID", "1");
            Assert.Null(SystemdServiceNotifier.WatchdogInterval());
            Environment.SetEnvironmentVariable("WATCHDOG_PID", null);
            Environment.SetEnvironmentVariable("WATCHDOG_USEC", "soon");
            Assert.Null(SystemdServiceNotifier.WatchdogInterval());
        }
        finally
        {
            Environment.SetEnvironmentVariable("WATCHDOG_USEC", null);
            Environment.SetEnvironmentVariable("WATCHDOG_PID", null);
        }
    }
}
