using System.CommandLine;
using System.DirectoryServices.Protocols;
using Grpc.Core;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Import;
using JumpCloudAdi.Agent.Session;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Cli;

/// <summary><c>import --once</c>: an import agent's one-time import: one full pass, what it did, exit.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var once = CliOptions.Flag("--once", "Read the ADI security group once, report it to the control plane, print what was created, updated, taken over, dissociated and skipped (with why), and exit.");
        var command = new Command("import", "Import agents: import the members of the ADI security group into JumpCloud once (--once); `run` keeps importing every --poll-seconds.")
        {
            config, once,
        };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(config)!;
            var settings = SettingsStore.Load(path);
            if (!settings.IsImport)
            {
                throw new SettingsException($"{path} is a sync agent's settings file; install an import agent with --agent-type import");
            }

            if (!result.GetValue(once))
            {
                throw new SettingsException("import needs --once (to keep importing, use: run --config " + path + ")");
            }

            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            try
            {
                var summary = await new ImportAgent(path, settings, loggerFactory.CreateLogger("JumpCloudAdi.Agent")).RunOnceAsync(Console.Out, ct);
                return 0;
            }
            catch (EnrollmentException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 3;
            }
            catch (DirectoryCheckException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 4;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Status.Detail}");
                return 3;
            }
            catch (RpcException ex)
            {
                await Console.Error.WriteLineAsync($"error: control plane: {ex.StatusCode} {ex.Status.Detail}");
                return 1;
            }
            catch (LdapException ex)
            {
                await Console.Error.WriteLineAsync($"error: directory: LDAP {ex.ErrorCode} {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
