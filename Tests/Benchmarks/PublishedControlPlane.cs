using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// The control plane as operators deploy it: <c>dotnet publish ControlPlane/ControlPlane.csproj -c Release -r linux-x64</c>
/// once per run (<see cref="PublishAsync"/>), then <c>dotnet JumpCloudAdi.ControlPlane.dll</c> as its own process with
/// its own runtimeconfig (server GC, ReadyToRun code), its TLS certificate, API key and data folder given as
/// configuration. The benchmark reads it only through its API and, for what the API does not show (the lease epoch), a
/// read-only look at its SQLite file; its CPU is read from its own pid.
/// </summary>
internal sealed class PublishedControlPlane : IAsyncDisposable, IControlPlaneApi
{
    public const string ApiKey = "benchmark-admin-key-0123456789abcdef";

    private readonly LogTail _log = new();
    private readonly Process _process;

    private PublishedControlPlane(Process process, string directory, TestCertificates certificates, Uri url)
    {
        _process = process;
        Directory = directory;
        Certificates = certificates;
        Url = url;
        Client = new ControlPlaneClient(url, certificates.CaPath, ApiKey);
    }

    public string Directory { get; }
    public TestCertificates Certificates { get; }
    public Uri Url { get; }
    public ControlPlaneClient Client { get; }
    public int Pid => _process.Id;
    public string DatabasePath => Path.Combine(Directory, "controlplane.db");

    /// <summary>
    /// Runtime settings for the control plane's process (<c>--controlplane-env NAME=VALUE,NAME=VALUE</c>, e.g.
    /// <c>DOTNET_TieredPGO=0</c>), so that its runtime can be varied without changing the benchmark's own.
    /// </summary>
    public static Dictionary<string, string> ExtraEnvironment { get; } = [];

    public static string Describe() =>
        ExtraEnvironment.Count == 0 ? "published control plane process, its own runtimeconfig" : $"published control plane process with {string.Join(" ", ExtraEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))}";

    /// <summary>
    /// <c>--controlplane-env NAME=VALUE,...</c> and <c>--controlplane PATH</c> (an already published
    /// <c>JumpCloudAdi.ControlPlane.dll</c>, to vary runtime settings over several runs without publishing again).
    /// </summary>
    public static void Configure(string? list, string? published)
    {
        if (published is not null)
        {
            _given = File.Exists(published) ? Path.GetFullPath(published) : throw new FileNotFoundException("--controlplane: no such file", published);
        }

        foreach (var pair in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--controlplane-env expects NAME=VALUE pairs separated by commas, not '{pair}'");
            }

            ExtraEnvironment[pair[..eq]] = pair[(eq + 1)..];
        }
    }

    private static readonly TempDirectory PublishFolder = new();
    private static string? _published;
    private static string? _given;

    /// <summary>Publishes the control plane once per benchmark run (into a folder removed when the run ends) and returns its main assembly.</summary>
    public static async Task<string> PublishAsync(CancellationToken ct)
    {
        if (_published is not null)
        {
            return _published;
        }

        if (_given is not null)
        {
            Console.WriteLine($"   the control plane published before (--controlplane): {_given} ({await SettingsAsync(_given, ct)})");
            return _published = _given;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => PublishFolder.Dispose();
        var output = PublishFolder.Sub("controlplane");

        var (project, artifacts) = ProvisionBenchmark.PublishPaths(Path.Combine("ControlPlane", "ControlPlane.csproj"), "cp");
        Console.WriteLine($"   publishing the control plane: dotnet publish {project} -c Release -r linux-x64 -o {output} --artifacts-path {artifacts}");
        ct.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        var result = await Processes.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "--artifacts-path", artifacts],
            timeout: TimeSpan.FromMinutes(20));
        result.EnsureSuccess("dotnet publish (control plane)");
        var dll = Path.Combine(output, "JumpCloudAdi.ControlPlane.dll");
        Console.WriteLine($"   published in {watch.Elapsed.TotalSeconds:0} s: {dll} ({await SettingsAsync(dll, ct)})");
        _published = dll;
        return dll;
    }

    /// <summary>"ReadyToRun; runtimeconfig: System.GC.Server=true, ...": how the published control plane will run.</summary>
    private static async Task<string> SettingsAsync(string dll, CancellationToken ct)
    {
        var runtimeConfig = Path.ChangeExtension(dll, ".runtimeconfig.json");
        if (!File.Exists(dll) || !File.Exists(runtimeConfig))
        {
            throw new FileNotFoundException("no JumpCloudAdi.ControlPlane.dll with its runtimeconfig", dll);
        }

        var options = JsonNode.Parse(await File.ReadAllTextAsync(runtimeConfig, ct))!["runtimeOptions"]?["configProperties"]?.AsObject();
        var settings = options is null ? "" : string.Join(", ", options.Where(p => p.Key.StartsWith("System.GC.", StringComparison.Ordinal)
            || p.Key.StartsWith("System.Runtime.Tiered", StringComparison.Ordinal)).Select(p => $"{p.Key}={p.Value}"));
        return $"{(IsReadyToRun(dll) ? "ReadyToRun" : "IL only")}; runtimeconfig: {settings}";
    }

    /// <summary>True when the assembly carries precompiled (ReadyToRun) code: its CLI header has a managed native header.</summary>
    private static bool IsReadyToRun(string dll)
    {
        using var stream = File.OpenRead(dll);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    /// <summary>
    /// Starts the published control plane on a free port with its data in <paramref name="directory"/> (SQLite), and
    /// waits until it answers. <paramref name="settings"/> are passed as command-line configuration.
    /// </summary>
    public static async Task<PublishedControlPlane> StartAsync(string dll, string directory, IDictionary<string, string>? settings = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certificates = TestCertificates.CreateOrReuse(Path.Combine(directory, "tls"), "controlplane");
        var url = new Uri($"https://127.0.0.1:{Processes.FreePort()}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url.ToString().TrimEnd('/'));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.ArgumentList.Add($"--{key}");
            info.ArgumentList.Add(value);
        }

        // Configuration as an operator passes it (environment), in Production; the benchmark's own runtime settings
        // (DOTNET_*) are not inherited unless given with --controlplane-env.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)
                     && !k.Equals("DOTNET_ROOT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Admin__ApiKey"] = ApiKey;
        info.Environment["Database__Provider"] = "Sqlite";
        info.Environment["ConnectionStrings__ControlPlane"] = $"Data Source={Path.Combine(directory, "controlplane.db")}";
        info.Environment["Data__Directory"] = directory;
        info.Environment["Kestrel__Certificates__Default__Path"] = certificates.CertPath;
        info.Environment["Kestrel__Certificates__Default__KeyPath"] = certificates.KeyPath;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in ExtraEnvironment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the control plane");
        var cp = new PublishedControlPlane(process, directory, certificates, url);
        cp._log.Follow(process);
        try
        {
            await Processes.WaitUntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the control plane exited ({process.ExitCode}): {cp.LogTail}");
                }

                try
                {
                    return (await cp.Client.SendAsync(HttpMethod.Get, "/api/v2/activedirectories")).Status == 200;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "control plane answering");
        }
        catch
        {
            await cp.DisposeAsync();
            throw;
        }

        return cp;
    }

    public string LogTail => _log.ToString();

    public bool HasExited => _process.HasExited;

    /// <summary>The domain's lease epoch (the fencing token), read from the SQLite file opened read-only (the API does not show it).</summary>
    public async Task<long> LeaseEpochAsync(string domainId)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "LeaseEpoch" FROM "Domains" WHERE "Id" = $id""";
        command.Parameters.AddWithValue("$id", domainId);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no domain {domainId}"), CultureInfo.InvariantCulture);
    }

    public double CpuSeconds() => ProcessStats.CpuSeconds(Pid);

    /// <summary>
    /// The runtime's JIT and GC totals so far, from the control plane's <c>/metrics</c> (the <c>System.Runtime</c> meter):
    /// methods compiled, compile time, GC pause time, collections.
    /// </summary>
    public async Task<RuntimeTotals> RuntimeTotalsAsync()
    {
        var text = await Client.Http.GetStringAsync("/metrics");
        double Sum(string name) => text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length > name.Length && l[name.Length] is ' ' or '{'))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') is var b and >= 0 ? b + 1 : name.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        return new RuntimeTotals(Sum("dotnet_jit_compiled_methods_total"), Sum("dotnet_jit_compilation_time_seconds_total"),
            Sum("dotnet_gc_pause_time_seconds_total"), Sum("dotnet_gc_collections_total"));
    }

    /// <summary>A client with another key (or none), trusting the control plane through its CA.</summary>
    public HttpClient CreateClient(string? apiKey) => new ControlPlaneClient(Url, Certificates.CaPath, apiKey).Http;

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            Processes.Stop(_process);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>JIT and GC totals of the control plane's runtime (see <see cref="PublishedControlPlane.RuntimeTotalsAsync"/>).</summary>
internal readonly record struct RuntimeTotals(double JitMethods, double JitSeconds, double GcPauseSeconds, double GcCollections)
{
    public static RuntimeTotals operator -(RuntimeTotals a, RuntimeTotals b) =>
        new(a.JitMethods - b.JitMethods, a.JitSeconds - b.JitSeconds, a.GcPauseSeconds - b.GcPauseSeconds, a.GcCollections - b.GcCollections);

    public override string ToString() =>
        $"JIT {JitMethods:0} methods in {JitSeconds * 1000:0} ms, GC {GcCollections:0} collections pausing {GcPauseSeconds * 1000:0} ms";
}
