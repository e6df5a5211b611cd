using JumpCloudAdi.Benchmarks;

// Benchmarks print figures; they are not pass/fail tests. See README "Benchmarks".
var command = args.FirstOrDefault() ?? "help";
var options = Options.Parse(args.Skip(1).ToArray());
PublishedControlPlane.Configure(options.String("controlplane-env"), options.String("controlplane"));
switch (command)
{
    case "latency":
        await LatencyBenchmark.RunAsync(options.Int("samples", 200));
        return 0;
    case "failover":
        await FailoverBenchmark.RunAsync(options.Int("rounds", 5));
        return 0;
    case "fleet":
        await FleetBenchmark.RunAsync(options.Int("agents", 1000), options.Int("seconds", 30));
        return 0;
    case "provision":
        await ProvisionBenchmark.RunAsync(options.Int("users", 10_000), options.Int("seconds", 60));
        return 0;
    case "backlog":
        await BacklogBenchmark.RunAsync(options.Int("users", 2000), options.String("warm") == "yes");
        return 0;
    case "samba":
        await SambaBenchmark.RunAsync(options.Int("users", 500), options.String("passwords") != "no");
        return 0;
    case "import":
        await ImportBenchmark.RunAsync(options.Int("users", 2000), options.Int("samba-users", options.Int("users", 2000)));
        return 0;
    case "footprint":
        await FootprintBenchmark.RunAsync(options.Int("users", 2000), options.Int("seconds", 60), options.String("binary"));
        return 0;
    case "all":
        await LatencyBenchmark.RunAsync(options.Int("samples", 200));
        await FailoverBenchmark.RunAsync(options.Int("rounds", 5));
        await FleetBenchmark.RunAsync(options.Int("agents", 1000), options.Int("seconds", 30));
        return 0;
    default:
        Console.WriteLine("""
            JumpCloud ADI benchmarks (figures, not pass/fail):
              latency  [--samples 200]              API call -> user visible in OpenLDAP, p50/p99, one agent, low load
              failover [--rounds 5]                 kill -9 the primary agent -> first change applied by the new primary
              fleet    [--agents 1000] [--seconds 30]  N simulated agents on real gRPC/TLS against one control plane process:
                                                    its resident/private memory and CPU
              provision [--users 10000] [--seconds 60]  N users + one N-member group through the control plane into a private
                                                    slapd by the NativeAOT agent, users/s beside ldapadd -c (ratio) and what limits
                                                    it; the agent's file size, VmRSS and private memory after N s of steady writing
              backlog [--users 2000] [--warm yes]   N users each bound by its own association call before the NativeAOT agent
                                                    starts, then the drain into a fresh slapd: users/s beside ldapadd -c (ratio),
                                                    CPU per user (agent, slapd, control plane), operations per user (cn=Monitor);
                                                    --warm yes: then a second never-synced domain of N (its own agent and slapd)
                                                    drained by the same control plane process, its code warm
              samba [--users 500] [--passwords yes|no]  the same drain into a fresh Samba AD DC beside ldapadd -c of the same user
                                                    entries (no passwords), then with passwords beside ldapadd + ldapmodify of
                                                    unicodePwd; run it under flock /tmp/jcadi-samba.lock (one Samba per machine)
              import [--users 2000] [--samba-users N]  N users in the ADI group of a private slapd, and of the Samba AD DC (default N;
                                                    0 skips it), seeded with ldapadd, imported by one `import --once`: users/s from the
                                                    agent's start to the control plane holding all; run it under flock /tmp/jcadi-samba.lock
              footprint [--users 2000] [--seconds 60] [--binary PATH]  the NativeAOT agent's VmRSS and Private_Dirty (by mapping kind)
                                                    idle, after N users, after N s of steady writing; no ldapadd baseline
              all                                   latency, failover and fleet with their defaults
            Every mode but import publishes the control plane (dotnet publish -c Release -r linux-x64, once per run) and runs it as its own
            process with its own runtimeconfig; --controlplane-env NAME=VALUE[,NAME=VALUE] sets runtime variables of that process only
            (e.g. DOTNET_TieredPGO=0,DOTNET_gcServer=0); --controlplane PATH/JumpCloudAdi.ControlPlane.dll runs one published before.
            Run: dotnet run --project Tests/Benchmarks -c Release -- <command> [options]
            """);
        return command == "help" ? 0 : 2;
}

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options._values[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    public string? String(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) && int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : fallback;
}
