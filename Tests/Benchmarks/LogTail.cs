using System.Diagnostics;

namespace JumpCloudAdi.Benchmarks;

/// <summary>The last lines a child process wrote to stdout and stderr, kept to print when a benchmark fails.</summary>
internal sealed class LogTail(int lines = 200)
{
    private readonly Queue<string> _lines = new();

    /// <summary>Reads <paramref name="process"/>'s redirected output and error streams from now on.</summary>
    public void Follow(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > lines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join('\n', _lines);
        }
    }
}
