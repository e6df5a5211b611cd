using System.CommandLine;
using System.Runtime.InteropServices;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Session;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Cli;

/// <summary><c>run</c>: enroll on first start, then sync until stopped (SIGINT/SIGTERM).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var verbose = CliOptions.Flag("--verbose", "Log debug detail.");
        var logFormat = CliOptions.Choice("--log-format", "simple: one line per event; json: one JSON object per line, for log collectors (also set by the environment variable Logging__Console__FormatterName=json, as on the control plane)",
            Environment.GetEnvironmentVariable("Logging__Console__FormatterName") is { } fromEnvironment && fromEnvironment.Equals("json", StringComparison.OrdinalIgnoreCase) ? "json" : "simple",
            "simple", "json");
        var command = new Command("run", "Run the agent: enroll with the connect key on first start, then keep the session to the control plane and write changes into the directory.")
        {
            config, verbose, logFormat,
        };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(config)!;
            var settings = SettingsStore.Load(path);
            var json = result.GetValue(logFormat) == "json";
            using var loggerFactory = LoggerFactory.Create(b =>
            {
                b.SetMinimumLevel(result.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information);
                if (json)
                {
                    b.AddJsonConsole(o =>
                    {
                        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                        o.UseUtcTimestamp = true;
                    });
                }
                else
                {
                    b.AddSimpleConsole(o =>
                    {
                        o.SingleLine = true;
                        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
                        o.UseUtcTimestamp = true;
                    });
                }
            });
            var logger = loggerFactory.CreateLogger("JumpCloudAdi.Agent");
            if (OperatingSystem.IsWindows() && WindowsServiceHost.IsWindowsService())
            {
                return await WindowsServiceHost.RunAsync(stopping => RunAgentAsync(path, settings, logger, stopping));
            }

            return await RunAgentAsync(path, settings, logger, ct);
        });
        return command;
    }

    /// <summary>Runs the agent until <paramref name="ct"/> or SIGTERM; the exit code (0, 3 refused by the control plane, 4 refused by the checks).</summary>
    private static async Task<int> RunAgentAsync(string path, AgentSettings settings, ILogger logger, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var trimmer = MemoryTrimmer.Start(TimeProvider.System);
        using var notifier = new SystemdServiceNotifier();
        try
        {
            if (settings.IsImport)
            {
                await new Import.ImportAgent(path, settings, logger, notifier).RunAsync(stop.Token);
            }
            else
            {
                await new SyncAgent(path, settings, logger, notifier, caughtUp: () => trimmer.CaughtUp()).RunAsync(stop.Token);
            }

            notifier.Stopping();
        }
        catch (EnrollmentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 3;
        }
        catch (DirectoryCheckException ex)
        {
            // Refuse to run: a start-up check failed or the directory cannot be trusted.
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 4;
        }

        return 0;
    }
}
