using System.Diagnostics;
using System.Text;
using JumpCloudAdi.ControlPlane.Passwords;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary><c>JumpCloudAdi.ControlPlane rotate-password-key</c> as its own process, its output collected line by line.</summary>
public sealed class RotationProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    public RotationProcess(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ControlPlaneProcess.ControlPlaneDll);
        info.ArgumentList.Add(PasswordKeyRotation.Verb);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits for the exit (and the last of its output); returns the exit code.</summary>
    public async Task<int> WaitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, whatever update was under way cut.</summary>
    public void Kill()
    {
        Processes.Stop(_process);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Processes.Stop(_process);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
