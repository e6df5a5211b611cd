using System.Globalization;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// The agent's log: one line per event, <c>2025-01-31T12:00:00.000 info: JumpCloudAdi.Agent[6] text</c> (UTC, the
/// exception if any on the same line), written synchronously to <paramref name="output"/> (standard output). The same
/// lines as Microsoft.Extensions.Logging.Console's single-line format, without its factory, options, dependency
/// injection and queue thread, which cost the NativeAOT agent half a megabyte of file and about one MiB of memory.
/// </summary>
internal sealed class ConsoleLogger(string category, LogLevel minimum, TextWriter output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message} {exception}";
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fff} {Level(logLevel)}: {category}[{eventId.Id}] {message.ReplaceLineEndings(" ")}"));
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
