using System.Diagnostics;
using System.Runtime.Versioning;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Session;

namespace JumpCloudAdi.Agent.Cli;

/// <summary>
/// Installs and removes the agent as a systemd service: the unit file, the dedicated service user, and ownership of
/// the settings folder (the service user's alone, mode 0700). Starts the service when systemd is running.
/// </summary>
internal static class ServiceInstaller
{
    public const string DefaultUnitDirectory = "/etc/systemd/system";
    public const string DefaultUser = "jcadi-agent";

    private static readonly string[] _sharedFolders = ["/", "/etc", "/usr", "/var", "/tmp", "/root", "/home", "/opt", "/srv", "/var/lib"];

    /// <summary>Refuses what would make a broken or unsafe service, before anything is written.</summary>
    public static void Validate(string configPath, string user)
    {
        RequireLinuxRoot("install --service");
        if (!IsSafeName(user))
        {
            throw new SettingsException($"--service-user '{user}' is not a valid user name (lower-case letters, digits, '-' and '_')");
        }

        var config = Path.GetFullPath(configPath);
        var folder = Path.GetDirectoryName(config)!;
        if (_sharedFolders.Contains(folder.TrimEnd('/') is "" ? "/" : folder.TrimEnd('/'), StringComparer.Ordinal))
        {
            throw new SettingsException($"--config '{configPath}' is directly in {folder}; a service needs a folder of its own, e.g. /etc/jumpcloud-adi/agent.json");
        }

        if (!IsSafePath(folder))
        {
            throw new SettingsException($"the settings folder '{folder}' has characters a unit file cannot carry safely; use letters, digits, '/', '.', '-' and '_'");
        }
    }

    [SupportedOSPlatform("linux")]
    public static void Install(string configPath, string user, string unitDirectory, bool start)
    {
        Validate(configPath, user);
        var config = Path.GetFullPath(configPath);
        var folder = Path.GetDirectoryName(config)!;
        EnsureUser(user);
        Own(user, folder, config);

        var unit = new SystemdUnit(user, [.. ExecStart(), "run", "--config", config], folder);
        System.IO.Directory.CreateDirectory(unitDirectory);
        var unitPath = Path.Combine(unitDirectory, SystemdUnit.Name);
        var temp = unitPath + ".tmp";
        File.WriteAllText(temp, unit.Render());
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, unitPath, overwrite: true);
        Console.WriteLine($"Service unit written to {unitPath} (runs as '{user}', which alone can read and write {folder}).");

        if (!SystemdRunning())
        {
            Console.WriteLine($"systemd is not running here; start the agent with: systemctl enable --now {SystemdUnit.Name}");
            return;
        }

        Systemctl("daemon-reload");
        if (start)
        {
            Systemctl("enable", "--now", SystemdUnit.Name);
            Console.WriteLine($"Started: systemctl status {SystemdUnit.Name}; logs: journalctl -u {SystemdUnit.Name}");
        }
        else
        {
            Console.WriteLine($"Start it with: systemctl enable --now {SystemdUnit.Name}");
        }
    }

    [SupportedOSPlatform("linux")]
    public static void Uninstall(string configPath, string unitDirectory, bool purge)
    {
        RequireLinuxRoot("uninstall");
        var unitPath = Path.Combine(unitDirectory, SystemdUnit.Name);
        var hadUnit = File.Exists(unitPath);
        if (hadUnit && SystemdRunning())
        {
            Systemctl("disable", "--now", SystemdUnit.Name);
        }

        if (hadUnit)
        {
            File.Delete(unitPath);
            if (SystemdRunning())
            {
                Systemctl("daemon-reload");
            }

            Console.WriteLine($"Service stopped and {unitPath} removed.");
        }
        else
        {
            Console.WriteLine($"No service unit at {unitPath}.");
        }

        if (purge)
        {
            var config = Path.GetFullPath(configPath);
            foreach (var file in new[] { config, config + ".key", AgentStatus.PathFor(config) }.Where(File.Exists))
            {
                File.Delete(file);
            }

            var state = SyncAgent.StateDirectory(config);
            if (System.IO.Directory.Exists(state))
            {
                System.IO.Directory.Delete(state, recursive: true);
            }

            Console.WriteLine($"Settings, key and state of {config} deleted. Delete the agent in the portal (Domain Agents) too.");
        }
    }

    /// <summary>What starts this agent again: the native binary, or <c>dotnet Agent.dll</c> when run from a build.</summary>
    internal static IReadOnlyList<string> ExecStart()
    {
        var process = Environment.ProcessPath ?? throw new SettingsException("cannot tell where the agent's executable is");
        var entry = Environment.GetCommandLineArgs()[0];
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? [process, Path.GetFullPath(entry)]
            : [process];
    }

    /// <summary>The refusal for a systemd command on another system.</summary>
    public static SettingsException NotLinux(string what) =>
        new($"{what} manages a systemd service and is for Linux");

    private static void RequireLinuxRoot(string what)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw NotLinux(what);
        }

        if (Environment.UserName != "root")
        {
            throw new SettingsException($"{what} must run as root (it writes a unit file and creates the service user)");
        }
    }

    private static void EnsureUser(string user)
    {
        if (Run("id", "-u", user).ExitCode == 0)
        {
            return;
        }

        var created = Run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
            "--comment", "JumpCloud ADI sync agent", user);
        if (created.ExitCode != 0)
        {
            throw new SettingsException($"could not create the service user '{user}': {created.Output.Trim()}");
        }

        Console.WriteLine($"Created the system user '{user}'.");
    }

    [SupportedOSPlatform("linux")]
    private static void Own(string user, string folder, string config)
    {
        var changed = Run("chown", "-R", $"{user}:{user}", folder);
        if (changed.ExitCode != 0)
        {
            throw new SettingsException($"could not give {folder} to '{user}': {changed.Output.Trim()}");
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in new[] { config, config + ".key" })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    private static bool SystemdRunning() => System.IO.Directory.Exists("/run/systemd/system");

    private static void Systemctl(params string[] args)
    {
        var result = Run("systemctl", args);
        if (result.ExitCode != 0)
        {
            throw new SettingsException($"systemctl {string.Join(' ', args)} failed: {result.Output.Trim()}");
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, $"{file}: {ex.Message}");
        }
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 32 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_') && !char.IsAsciiDigit(name[0]);

    private static bool IsSafePath(string path) => path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_');
}
