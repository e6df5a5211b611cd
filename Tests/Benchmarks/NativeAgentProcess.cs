using System.Diagnostics;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// The NativeAOT agent binary as a child process (no <c>dotnet</c> host): installed with the same command-line options
/// <see cref="AgentProcess.InstallAsync(Uri, string, IDirectoryServer, string, string[])"/> uses, then
/// <c>run --config</c>. Keeps only the last lines of its log.
/// </summary>
internal sealed class NativeAgentProcess(string binary, string directory) : IDisposable
{
    private readonly LogTail _log = new();
    private Process? _process;

    public string ConfigPath { get; } = Path.Combine(directory, "agent.json");

    public int Pid => _process?.Id ?? throw new InvalidOperationException("the agent is not running");

    public bool HasExited => _process?.HasExited ?? true;

    public string LogTail => _log.ToString();

    public Task InstallAsync(PublishedControlPlane controlPlane, IDirectoryServer server, string connectKey) =>
        InstallAsync(controlPlane.Url, controlPlane.Certificates.CaPath, server, connectKey);

    public async Task InstallAsync(Uri controlPlaneUrl, string controlPlaneCa, IDirectoryServer server, string connectKey)
    {
        Directory.CreateDirectory(directory);
        var passwordFile = Path.Combine(directory, "bind.pw");
        await File.WriteAllTextAsync(passwordFile, server.BindPassword + "\n");
        var result = await Processes.RunAsync(binary, [
            "install", "--config", ConfigPath,
            "--control-plane", controlPlaneUrl.ToString(), "--ca-cert", controlPlaneCa,
            "--connect-key", connectKey, "--server-type", "member",
            "--ldap-url", server.LdapsUrl, "--ldap-ca-cert", server.CaPath,
            "--root-user-dn", server.RootUserDn, "--bind-user", server.BindUser,
            "--bind-password-file", passwordFile, "--sync-group-dn", server.SyncGroupDn,
        ], timeout: TimeSpan.FromMinutes(1));
        result.EnsureSuccess("native agent install");
    }

    public void Start()
    {
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "--config", ConfigPath })
        {
            info.ArgumentList.Add(a);
        }

        // As AgentProcess: the agent validates the directory's certificate from its own settings only.
        info.Environment.Remove("LDAPTLS_CACERT");
        info.Environment.Remove("LDAPTLS_REQCERT");
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {binary}");
        _log.Follow(_process);
    }

    public void Dispose()
    {
        Processes.Stop(_process);
        _process?.Dispose();
        _process = null;
    }
}
