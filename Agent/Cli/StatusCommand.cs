using System.CommandLine;
using System.Text.Json;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Cli;

/// <summary><c>status</c>: the settings (secrets masked), enrollment, connection state and latest sync results.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var command = new Command("status", "Show the agent's settings (secrets masked), connection state and latest sync results. Exits 0 when the agent is running and connected to the control plane, 1 when it is not (for monitoring and health checks).") { config };
        command.SetAction(result =>
        {
            var path = result.GetValue(config)!;
            var settings = SettingsStore.Load(path);
            Console.WriteLine($"Settings file:     {Path.GetFullPath(path)}");
            Console.WriteLine($"Agent id:          {settings.AgentId ?? "(not enrolled yet)"}");
            Console.WriteLine($"Domain:            {settings.Domain ?? "(not enrolled yet)"}");
            if (settings.IsImport)
            {
                Console.WriteLine("Agent type:        IMPORT (reads the ADI group's members into JumpCloud; never writes to the directory)");
                Console.WriteLine($"Import group:      {settings.ImportGroupDn}");
                Console.WriteLine($"Poll interval:     {settings.PollSeconds} s (`run`; `import --once` makes one pass)");
            }

            foreach (var (name, value) in settings.Describe())
            {
                Console.WriteLine($"{name + ":",-32} {value}");
            }

            Console.WriteLine($"{"bindPassword:",-32} {Mask(settings.BindPassword)}");
            Console.WriteLine($"{"connectKey:",-32} {Mask(settings.ConnectKey)}");
            Console.WriteLine($"{"agentCredential:",-32} {Mask(settings.AgentCredential)}");
            Console.WriteLine($"{"agentPrivateKey:",-32} {Mask(settings.AgentPrivateKey)}");
            var statusPath = AgentStatus.PathFor(path);
            string? unhealthy;
            if (File.Exists(statusPath) && JsonSerializer.Deserialize(File.ReadAllText(statusPath), AgentJsonContext.Default.AgentStatus) is { } status)
            {
                unhealthy = status.Unhealthy(pid => IsAgentRunning(pid, path));
                Console.WriteLine($"Connection:        {status.State} (as of {status.UpdatedAt:O})");
                if (settings.IsImport)
                {
                    Console.WriteLine($"Latest import:     {status.LastImport ?? "(none yet)"}{(status.LastImportAt is { } importedAt ? $" at {importedAt:O}" : "")}");
                    if (status.LastPollAt is { } polled && polled != status.LastImportAt)
                    {
                        Console.WriteLine($"Latest poll:       no changes at {polled:O}");
                    }
                }
                else
                {
                    Console.WriteLine($"Latest sync:       {status.LastBatch ?? "(none yet)"}{(status.LastBatchAt is { } at ? $" at {at:O}" : "")}");
                }

                if (status.DescribeProgress() is { } progress)
                {
                    Console.WriteLine($"Progress:          {progress}");
                }

                if (status.LastReconcile is not null)
                {
                    Console.WriteLine($"Latest reconcile:  {status.LastReconcile}{(status.LastReconcileAt is { } reconciledAt ? $" at {reconciledAt:O}" : "")}");
                }

                if (status.Warning is not null)
                {
                    Console.WriteLine($"Warning:           {status.Warning}");
                }

                if (status.LastError is not null)
                {
                    Console.WriteLine($"Last error:        {status.LastError}");
                }
            }
            else
            {
                Console.WriteLine("Connection:        never run");
                unhealthy = "the agent has never run";
            }

            Console.WriteLine($"Health:            {unhealthy ?? "healthy (running, connected)"}");
            return unhealthy is null ? 0 : 1;
        });
        return command;
    }

    /// <summary>Whether <paramref name="pid"/> is a running agent for the settings file at <paramref name="configPath"/>.</summary>
    private static bool IsAgentRunning(int pid, string configPath)
    {
        if (OperatingSystem.IsLinux())
        {
            var cmdline = $"/proc/{pid}/cmdline";
            return File.Exists(cmdline) && File.ReadAllText(cmdline).Split('\0').Contains("run")
                && File.ReadAllText(cmdline).Contains(Path.GetFileName(configPath), StringComparison.Ordinal);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : "******** (set, encrypted at rest)";
}
