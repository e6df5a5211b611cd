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
        var command = new Command("status", "Show the agent's settings (secrets masked), connection state and latest sync results.") { config };
        command.SetAction(result =>
        {
            var path = result.GetValue(config)!;
            var settings = SettingsStore.Load(path);
            Console.WriteLine($"Settings file:     {Path.GetFullPath(path)}");
            Console.WriteLine($"Agent id:          {settings.AgentId ?? "(not enrolled yet)"}");
            Console.WriteLine($"Domain:            {settings.Domain ?? "(not enrolled yet)"}");
            foreach (var (name, value) in settings.Describe())
            {
                Console.WriteLine($"{name + ":",-32} {value}");
            }

            Console.WriteLine($"{"bindPassword:",-32} {Mask(settings.BindPassword)}");
            Console.WriteLine($"{"connectKey:",-32} {Mask(settings.ConnectKey)}");
            Console.WriteLine($"{"agentCredential:",-32} {Mask(settings.AgentCredential)}");
            Console.WriteLine($"{"agentPrivateKey:",-32} {Mask(settings.AgentPrivateKey)}");
            var statusPath = AgentStatus.PathFor(path);
            if (File.Exists(statusPath) && JsonSerializer.Deserialize(File.ReadAllText(statusPath), AgentJsonContext.Default.AgentStatus) is { } status)
            {
                Console.WriteLine($"Connection:        {status.State} (as of {status.UpdatedAt:O})");
                Console.WriteLine($"Latest sync:       {status.LastBatch ?? "(none yet)"}{(status.LastBatchAt is { } at ? $" at {at:O}" : "")}");
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
            }

            return 0;
        });
        return command;
    }

    private static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : "******** (set, encrypted at rest)";
}
