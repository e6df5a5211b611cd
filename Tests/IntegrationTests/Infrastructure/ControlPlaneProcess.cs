using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// The control plane as a separate process (its own build output, as operators run it), on a fixed port and data
/// folder so it can be killed with SIGKILL and started again in place. REST calls go through a
/// <see cref="ControlPlaneHost"/>-style client bound to the same URL and CA.
/// </summary>
public sealed class ControlPlaneProcess : IDisposable
{
    private readonly StringBuilder _log = new();
    private readonly string _logLevel;
    private Process? _process;

    /// <param name="directory">Data folder (database, keys, TLS files).</param>
    /// <param name="logLevel">Default log level; tests that search the logs for secrets raise it to Trace.</param>
    public ControlPlaneProcess(string directory, string logLevel = "Warning")
    {
        _logLevel = logLevel;
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        Certificates = TestCertificates.CreateOrReuse(Path.Combine(directory, "tls"), "controlplane");
        Url = new Uri($"https://127.0.0.1:{Processes.FreePort()}");
        Client = new ControlPlaneClient(Url, Certificates.CaPath, ControlPlaneHost.ApiKey);
    }

    public static string ControlPlaneDll { get; } = typeof(ControlPlaneProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ControlPlaneDll").Value!;

    public string Directory { get; }

    /// <summary>Its SQLite database, in <see cref="Directory"/>.</summary>
    public string DatabasePath => Path.Combine(Directory, "controlplane.db");
    public Uri Url { get; }
    public TestCertificates Certificates { get; }
    public ControlPlaneClient Client { get; }

    /// <summary>Extra environment of the process (configuration as <c>A__B</c>, or what a native library reads).</summary>
    public Dictionary<string, string> Environment { get; } = [];

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

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { ControlPlaneDll, "--urls", Url.ToString().TrimEnd('/') })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["Admin__ApiKey"] = ControlPlaneHost.ApiKey;
        info.Environment["ConnectionStrings__ControlPlane"] = $"Data Source={DatabasePath}";
        info.Environment["Data__Directory"] = Directory;
        info.Environment["Kestrel__Certificates__Default__Path"] = Certificates.CertPath;
        info.Environment["Kestrel__Certificates__Default__KeyPath"] = Certificates.KeyPath;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = _logLevel;
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Processes.WaitUntilAsync(async () =>
        {
            Assert.False(_process.HasExited, $"the control plane exited: {Log}");
            return (await Client.SendAsync(HttpMethod.Get, "/api/v2/activedirectories")).Status == 200;
        }, TimeSpan.FromSeconds(60), "control plane answering");
    }

    /// <summary>SIGKILL: no shutdown hooks, open transactions and streams cut.</summary>
    public void Kill() => Processes.Stop(_process);

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        Client.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
