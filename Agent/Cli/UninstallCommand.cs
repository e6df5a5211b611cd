using System.CommandLine;

namespace JumpCloudAdi.Agent.Cli;

/// <summary><c>uninstall</c>: stops and removes the systemd service that <c>install --service</c> wrote.</summary>
internal static class UninstallCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var unitDirectory = CliOptions.Text("--systemd-unit-dir", $"Where the unit file is (default {ServiceInstaller.DefaultUnitDirectory}).");
        var purge = CliOptions.Flag("--purge", "Also delete the settings file, its key and the agent's state (the agent's identity is gone: a reinstall needs a new connect key).");
        var command = new Command("uninstall", "Stop and disable the agent's systemd service and remove its unit file (the service user stays). The settings stay unless --purge is given.")
        {
            config, unitDirectory, purge,
        };
        command.SetAction(result =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw ServiceInstaller.NotLinux("uninstall");
            }

            ServiceInstaller.Uninstall(result.GetValue(config)!, result.GetValue(unitDirectory) ?? ServiceInstaller.DefaultUnitDirectory, result.GetValue(purge));
            return 0;
        });
        return command;
    }
}
