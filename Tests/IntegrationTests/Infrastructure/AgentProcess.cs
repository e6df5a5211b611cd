using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>The real agent as a child process, installed and run through its command line like an operator does.</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly StringBuilder _log = new();
    private Process? _process;

    public AgentProcess(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        ConfigPath = Path.Combine(directory, "agent.json");
    }

    /// <summary>The agent's own build output (recorded at build time), with its own dependencies.</summary>
    public static string AgentDll { get; } = typeof(AgentProcess).Assembly
        .GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "AgentDll").Value!;

    public string Directory { get; }
    public string ConfigPath { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static Task<Processes.Result> CliAsync(params string[] args) =>
        Processes.RunAsync("dotnet", [AgentDll, .. args], timeout: TimeSpan.FromMinutes(1));

    /// <summary>Runs <c>install</c> against a directory server with the control plane's CA.</summary>
    public Task InstallAsync(ControlPlaneHost controlPlane, IDirectoryServer directory, string connectKey, params string[] extra) =>
        InstallAsync(controlPlane.Url, controlPlane.Certificates.CaPath, directory, connectKey, extra);

    /// <summary>Runs <c>install</c> against a control plane at <paramref name="controlPlaneUrl"/> trusted through <paramref name="controlPlaneCa"/>.</summary>
    public async Task InstallAsync(Uri controlPlaneUrl, string controlPlaneCa, IDirectoryServer directory, string connectKey, params string[] extra)
    {
        var passwordFile = Path.Combine(Directory, "bind.pw");
        await File.WriteAllTextAsync(passwordFile, directory.BindPassword + "\n");
        var result = await CliAsync([
            "install", "--config", ConfigPath,
            "--control-plane", controlPlaneUrl.ToString(), "--ca-cert", controlPlaneCa,
            "--connect-key", connectKey, "--server-type", "member",
            "--ldap-url", directory.LdapsUrl, "--ldap-ca-cert", directory.CaPath,
            "--root-user-dn", directory.RootUserDn, "--bind-user", directory.BindUser,
            "--bind-password-file", passwordFile, "--sync-group-dn", directory.SyncGroupDn, .. extra,
        ]);
        result.EnsureSuccess("agent install");
    }

    /// <summary>
    /// Runs <c>install</c> with the usual options for <paramref name="directory"/>, changed by <paramref name="options"/>
    /// (a null value leaves the option out; a flag takes an empty string). Does not check the exit code.
    /// </summary>
    public async Task<Processes.Result> TryInstallAsync(ControlPlaneHost controlPlane, IDirectoryServer directory, string? connectKey,
        IReadOnlyDictionary<string, string?>? options = null)
    {
        var passwordFile = Path.Combine(Directory, "bind.pw");
        await File.WriteAllTextAsync(passwordFile, directory.BindPassword + "\n");
        var all = new Dictionary<string, string?>
        {
            ["--config"] = ConfigPath,
            ["--control-plane"] = controlPlane.Url.ToString(),
            ["--ca-cert"] = controlPlane.Certificates.CaPath,
            ["--connect-key"] = connectKey,
            ["--server-type"] = "member",
            ["--ldap-url"] = directory.LdapsUrl,
            ["--ldap-ca-cert"] = directory.CaPath,
            ["--root-user-dn"] = directory.RootUserDn,
            ["--bind-user"] = directory.BindUser,
            ["--bind-password-file"] = passwordFile,
            ["--sync-group-dn"] = directory.SyncGroupDn,
        };
        foreach (var (name, value) in options ?? new Dictionary<string, string?>())
        {
            all[name] = value;
        }

        var args = new List<string> { "install" };
        foreach (var (name, value) in all)
        {
            if (value is null)
            {
                continue;
            }

            args.Add(name);
            if (value.Length > 0)
            {
                args.Add(value);
            }
        }

        return await CliAsync([.. args]);
    }

    /// <summary>Waits for the agent to exit by itself (a refusal to run); false if it is still running at the deadline.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null)
        {
            return true;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <param name="extra">More `run` options, e.g. `--verbose`.</param>
    public AgentProcess Start(params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { AgentDll, "run", "--config", ConfigPath }.Concat(extra))
        {
            info.ArgumentList.Add(a);
        }

        // The agent must validate the directory's certificate from its own settings, not from the environment.
        info.Environment.Remove("LDAPTLS_CACERT");
        info.Environment.Remove("LDAPTLS_REQCERT");
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return this;
    }

    /// <summary>Extra environment variables for the next <see cref="Start"/>.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public bool HasExited => _process?.HasExited ?? true;

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    public void Kill() => Processes.Stop(_process);

    /// <summary>Freezes the agent (SIGSTOP): its connection stays open, it reads, applies and acknowledges nothing.</summary>
    public void Freeze()
    {
        using var kill = Process.Start("kill", ["-STOP", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
