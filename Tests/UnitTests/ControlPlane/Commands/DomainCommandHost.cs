using System.Text;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.ControlPlane.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands;

/// <summary>
/// The commands with their real collaborators on an in-memory SQLite database built by the real migrations, the clock
/// faked. Each <see cref="RunAsync{TCommand, T}"/> runs in its own scope, as a request does.
/// </summary>
public sealed class DomainCommandHost : IAsyncDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly ServiceProvider _services;

    public DomainCommandHost()
    {
        _connection.Open();
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(Time);
        services.AddDbContextFactory<ControlPlaneDb>(o => o.UseSqlite(_connection));
        services.AddSingleton<AgentCounters>();
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddSingleton<ChangeNotifier>();
        services.AddSingleton<AgentSessions>();
        services.AddSingleton<AgentEvents>();
        services.AddOptions<ConnectKeysOptions>();
        services.AddScoped<ChangeLog>();
        services.AddScoped<DomainSync>();
        services.AddScoped<Reconciler>();
        services.AddScoped<ConnectKeyService>();
        services.AddDomainCommands();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        using var db = Db();
        db.Database.Migrate();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public AgentSessions Sessions => _services.GetRequiredService<AgentSessions>();

    public ChangeNotifier Notifier => _services.GetRequiredService<ChangeNotifier>();

    /// <summary>A context of its own, for arranging and checking outside the commands.</summary>
    public ControlPlaneDb Db() => new(new DbContextOptionsBuilder<ControlPlaneDb>().UseSqlite(_connection).Options);

    public async Task<CommandResult<T>> RunAsync<TCommand, T>(Func<TCommand, Task<CommandResult<T>>> run)
        where TCommand : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await run(scope.ServiceProvider.GetRequiredService<TCommand>());
    }

    /// <summary>Every row of every table, in a stable order: equal dumps mean nothing was stored.</summary>
    public async Task<string> DumpAsync()
    {
        var text = new StringBuilder();
        var tables = new List<string>();
        await using (var list = _connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            text.Append("## ").AppendLine(table);
            var columns = new List<string>();
            await using (var info = _connection.CreateCommand())
            {
                info.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
                await using var names = await info.ExecuteReaderAsync();
                while (await names.ReadAsync())
                {
                    columns.Add($"\"{names.GetString(0)}\"");
                }
            }

            await using var select = _connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY {string.Join(", ", columns)}";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    text.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
