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
        var command = new Command("run", "Run the agent: enroll with the connect key on first start, then keep the session to the control plane and write changes into the directory.")
        {
            config, verbose,
        };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(config)!;
            var settings = SettingsStore.Load(path);
            using var loggerFactory = LoggerFactory.Create(b => b
                .SetMinimumLevel(result.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information)
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
                    o.UseUtcTimestamp = true;
                }));
            var logger = loggerFactory.CreateLogger("JumpCloudAdi.Agent");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            using var trimmer = MemoryTrimmer.Start();
            try
            {
                await new SyncAgent(path, settings, logger).RunAsync(stop.Token);
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
        });
        return command;
    }
}
