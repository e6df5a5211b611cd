using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;

namespace JumpCloudAdi.Agent.Cli;

/// <summary>
/// <c>run</c> under the Windows service control manager (Microsoft.Extensions.Hosting.WindowsServices): the SCM's
/// stop request cancels the agent, and the agent's exit code becomes the service's, so the recovery actions restart
/// it after a failure. Only used when the process was started by the SCM.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsServiceHost
{
    public const string ServiceName = "JumpCloudAdiAgent";

    public static bool IsWindowsService() => WindowsServiceHelpers.IsWindowsService();

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> run)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddWindowsService(o => o.ServiceName = ServiceName);
        var worker = new Worker(run);
        builder.Services.AddSingleton<IHostedService>(worker);
        using var host = builder.Build();
        await host.RunAsync();
        return worker.ExitCode;
    }

    private sealed class Worker(Func<CancellationToken, Task<int>> run) : BackgroundService
    {
        public int ExitCode { get; private set; }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            ExitCode = await run(stoppingToken);
            Environment.ExitCode = ExitCode;
        }
    }
}
