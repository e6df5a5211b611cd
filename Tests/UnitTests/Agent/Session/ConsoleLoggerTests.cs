using JumpCloudAdi.Agent.Session;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.UnitTests.Agent.Session;

public class ConsoleLoggerTests
{
    [Fact]
    public void Log_WritesOneLineWithUtcTimeLevelCategoryAndEventId()
    {
        using var output = new StringWriter();
        var logger = new ConsoleLogger("JumpCloudAdi.Agent", LogLevel.Information, output);

        AgentLog.BatchApplied(logger, 1, 2, 2, 0, 0);

        var line = Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3} info: JumpCloudAdi\.Agent\[6\] Applied changes 1\.\.2: 2 applied, 0 skipped, 0 failed$", line);
    }

    [Fact]
    public void Log_KeepsAnExceptionOnTheSameLine_AndSkipsLevelsBelowTheMinimum()
    {
        using var output = new StringWriter();
        var logger = new ConsoleLogger("JumpCloudAdi.Agent", LogLevel.Information, output);

        logger.LogDebug("not shown");
        logger.LogError(new InvalidOperationException("first\nsecond"), "Failed");

        var line = Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(" fail: JumpCloudAdi.Agent[0] Failed System.InvalidOperationException: first second", line, StringComparison.Ordinal);
    }
}
