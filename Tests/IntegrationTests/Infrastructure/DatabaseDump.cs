using System.Data.Common;
using System.Globalization;
using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// Every row of every table of a control plane's database (SQLite or PostgreSQL) as text, rows sorted by all their
/// columns: two equal dumps mean the database's content is byte-for-byte the same.
/// </summary>
public static class DatabaseDump
{
    public static async Task<string> OfAsync(ControlPlaneHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var sqlite = db.Database.IsSqlite();
        var tables = await ColumnAsync(connection, sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            var columns = await ColumnAsync(connection, sqlite
                ? $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                : $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position");
            var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
            text.Append("## ").Append(table).Append(" (").Append(list).AppendLine(")");
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT {list} FROM \"{table}\" ORDER BY {list}";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) switch
                    {
                        byte[] bytes => Convert.ToHexString(bytes),
                        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
                        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
                        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
                    };
                    text.Append(value).Append('|');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    private static async Task<List<string>> ColumnAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
