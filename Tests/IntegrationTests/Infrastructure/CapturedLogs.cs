using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>Keeps the formatted messages an in-process control plane logs (at the host's minimum level and up).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._messages.Enqueue($"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}");
    }
}
