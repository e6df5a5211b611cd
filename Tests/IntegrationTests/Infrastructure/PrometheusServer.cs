using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>) on 127.0.0.1 that scrapes one target over HTTPS with a bearer
/// token every second, queried through its HTTP API. Its data lives in a temporary folder.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly TempDirectory _temp;
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly System.Text.StringBuilder _log = new();

    private PrometheusServer(TempDirectory temp, Process process, int port)
    {
        _temp = temp;
        _process = process;
        Port = port;
        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

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

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) at <paramref name="metricsPath"/> over HTTPS.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, string metricsPath, string caFile, string bearerToken)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing; run Tests/scripts/install-prerequisites.sh prometheus");
        }

        var temp = new TempDirectory();
        var tokenFile = temp.Sub("token");
        await File.WriteAllTextAsync(tokenFile, bearerToken);
        var config = temp.Sub("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: controlplane
                scheme: https
                metrics_path: {metricsPath}
                tls_config:
                  ca_file: {caFile}
                authorization:
                  type: Bearer
                  credentials_file: {tokenFile}
                static_configs:
                  - targets: ["{target}"]
            """);

        for (var attempt = 1; ; attempt++)
        {
            var port = Processes.FreePort();
            var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                $"--config.file={config}", $"--storage.tsdb.path={temp.Sub("data")}", $"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=1h", "--log.level=warn",
            })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info)!;
            var server = new PrometheusServer(temp, process, port);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await Processes.WaitUntilAsync(server.ReadyAsync, TimeSpan.FromSeconds(30), "Prometheus ready");
                return server;
            }
            catch (Exception) when (attempt < 3)
            {
                Processes.Stop(process);
            }
        }
    }

    /// <summary>The instant vector of a PromQL query: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(JsonObject Labels, double Value)>> QueryAsync(string promql)
    {
        var body = await _http.GetFromJsonAsync<JsonNode>($"api/v1/query?query={Uri.EscapeDataString(promql)}");
        if (body?["status"]?.GetValue<string>() != "success")
        {
            throw new InvalidOperationException($"Prometheus query {promql} failed: {body}");
        }

        return [.. body["data"]!["result"]!.AsArray().Select(r => (
            r!["metric"]!.AsObject(),
            double.Parse(r["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture)))];
    }

    /// <summary>The scrape target's health and last error, as Prometheus sees it.</summary>
    public async Task<string> TargetHealthAsync()
    {
        var body = await _http.GetFromJsonAsync<JsonNode>("api/v1/targets");
        var target = body?["data"]?["activeTargets"]?.AsArray().FirstOrDefault();
        return target is null ? "no target" : $"{target["health"]} {target["lastError"]}";
    }

    private async Task<bool> ReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"Prometheus exited: {Log}");
        }

        try
        {
            return (await _http.GetAsync("-/ready")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
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

    public ValueTask DisposeAsync()
    {
        Processes.Stop(_process);
        _process.Dispose();
        _http.Dispose();
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
