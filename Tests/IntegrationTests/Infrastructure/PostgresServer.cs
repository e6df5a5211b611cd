using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A private PostgreSQL 15 (Debian package <c>postgresql</c>) as DIRECTORY-SERVERS.md describes it: <c>initdb</c> as the
/// <c>postgres</c> user into a temp folder it owns, <c>pg_ctl start</c> on a free 127.0.0.1 port with its socket in
/// that folder and <c>fsync=off</c>; <c>pg_ctl -m fast stop</c> and folder removal on dispose. A watchdog outside the
/// test process stops the server and removes the folder should the test process die without disposing it.
/// Each control plane gets its own database (<see cref="EnsureDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string Superuser = "postgres";

    private static readonly SemaphoreSlim _sharedLock = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"jcadi-pg-{Guid.NewGuid():N}");
    private readonly ConcurrentDictionary<string, string> _databaseOwners = new();
    private Process? _watchdog;

    public int Port { get; private set; }
    public string DataDirectory => Path.Combine(_directory, "data");
    public string LogPath => Path.Combine(_directory, "log");

    /// <summary>True when the Debian package is installed; the test script installs it.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(BinDirectory, "pg_ctl"));

    /// <summary>
    /// One server for the whole test run, started on first use and stopped after the last test
    /// (<see cref="IntegrationTestFramework"/>), so any test can run a control plane on PostgreSQL without a fixture
    /// of its own.
    /// </summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await _sharedLock.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var server = new PostgresServer();
                await server.InitializeAsync();
                _shared = server;
            }

            return _shared;
        }
        finally
        {
            _sharedLock.Release();
        }
    }

    /// <summary>Stops the shared server, if one was started.</summary>
    public static async Task StopSharedAsync()
    {
        await _sharedLock.WaitAsync();
        try
        {
            if (_shared is not null)
            {
                await _shared.StopAsync();
                _shared = null;
            }
        }
        finally
        {
            _sharedLock.Release();
        }
    }

    public async Task InitializeAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}); run Tests/scripts/install-prerequisites.sh postgresql.");
        }

        try
        {
            // The server refuses to run as root: the folder belongs to the postgres user, who runs initdb and pg_ctl.
            (await RunAsPostgresAsync("mkdir", ["-m", "700", _directory])).EnsureSuccess("mkdir");
            await StartWatchdogAsync();
            (await RunAsPostgresAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", DataDirectory, "-A", "trust", "-U", Superuser, "-E", "UTF8", "--locale=C", "--no-sync"])).EnsureSuccess("initdb");
            await StartServerAsync();
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    /// <summary>
    /// The database that belongs to one control plane's data folder: created empty on first use, the same one when a
    /// control plane restarts on that folder. Databases whose folder is gone are dropped on the way.
    /// </summary>
    public async Task<string> EnsureDatabaseAsync(string ownerDirectory)
    {
        var owner = Path.GetFullPath(ownerDirectory);
        var name = "cp_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(owner)))[..20];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        foreach (var (stale, folder) in _databaseOwners)
        {
            if (stale != name && !Directory.Exists(folder) && _databaseOwners.TryRemove(stale, out _))
            {
                using (var pooled = new NpgsqlConnection(ConnectionString(stale)))
                {
                    NpgsqlConnection.ClearPool(pooled);
                }
                await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{stale}\" WITH (FORCE)");
            }
        }

        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.AddWithValue(name);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"");
            }
        }

        _databaseOwners[name] = owner;
        return ConnectionString(name);
    }

    /// <summary>A fresh, empty database with a unique name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"db_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Superuser,
            Database = database,
            Timeout = 15,
        }.ConnectionString;

    public Task DisposeAsync() => StopAsync();

    private async Task StartServerAsync()
    {
        // A free port can be taken between probing and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = Processes.FreePort();
            var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off";
            var start = await RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"),
                ["-D", DataDirectory, "-o", options, "-l", LogPath, "-w", "-t", "30", "start"]);
            if (start.ExitCode == 0)
            {
                return;
            }

            if (attempt == 3)
            {
                var log = File.Exists(LogPath) ? await File.ReadAllTextAsync(LogPath) : "";
                throw new InvalidOperationException($"pg_ctl start failed: {start.Output}\n{log}");
            }
        }
    }

    /// <summary>Stops the server but keeps its data, for outage tests; <see cref="ResumeAsync"/> starts it again.</summary>
    public async Task PauseAsync() =>
        (await RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "20", "stop"])).EnsureSuccess("pg_ctl stop");

    /// <summary>Starts a paused server again on the same port.</summary>
    public async Task ResumeAsync()
    {
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off";
        (await RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-o", options, "-l", LogPath, "-w", "-t", "30", "start"]))
            .EnsureSuccess("pg_ctl start");
    }

    /// <summary>Stops the server and removes its folder. Safe to call twice.</summary>
    private async Task StopAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var stop = await RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "20", "stop"]);
            if (stop.ExitCode != 0)
            {
                await RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
        }

        Processes.Stop(_watchdog);
        _watchdog?.Dispose();
        _watchdog = null;
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A detached shell that waits for this test process to end; if it ends without <see cref="StopAsync"/> (killed, crashed),
    /// the shell stops the server and removes the folder. A normal stop kills the shell first.
    /// </summary>
    private async Task StartWatchdogAsync()
    {
        var pidFile = Path.Combine(_directory, "watchdog.pid");
        var script = string.Create(CultureInfo.InvariantCulture, $"""
            exec </dev/null >/dev/null 2>&1
            echo $$ > '{pidFile}'
            while kill -0 {Environment.ProcessId}; do sleep 2; done
            if [ -f '{DataDirectory}/postmaster.pid' ]; then
              {RunAsPostgresPrefix()}'{BinDirectory}/pg_ctl' -D '{DataDirectory}' -m immediate -w stop
            fi
            rm -rf '{_directory}'
            """);
        // setsid --fork returns at once; the shell lives on in its own session, outside this process tree.
        (await Processes.RunAsync("setsid", ["--fork", "bash", "-c", script])).EnsureSuccess("setsid");
        await Processes.WaitUntilAsync(() => Task.FromResult(File.Exists(pidFile) && new FileInfo(pidFile).Length > 0),
            TimeSpan.FromSeconds(10), "PostgreSQL watchdog started");
        _watchdog = Process.GetProcessById(int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture));
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string RunAsPostgresPrefix() => IsRoot ? $"runuser -u {Superuser} -- " : "";

    private static Task<Processes.Result> RunAsPostgresAsync(string file, IEnumerable<string> args) =>
        IsRoot
            ? Processes.RunAsync("runuser", ["-u", Superuser, "--", file, .. args], timeout: TimeSpan.FromSeconds(60))
            : Processes.RunAsync(file, args, timeout: TimeSpan.FromSeconds(60));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
