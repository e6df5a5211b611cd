using System.Data.Common;
using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Writes change-log rows in bulk inside the operation's transaction, without tracking an entity per row: multi-row
/// <c>INSERT ... VALUES (...), (...)</c> statements on PostgreSQL, one prepared statement re-executed per row on SQLite.
/// A group bind or a reconcile of thousands of users writes its rows in a fraction of the time EF Core's change tracker
/// and per-entity commands take, so its transaction, and the writer lock SQLite holds for it, stays short. Table, column names, placeholders and value conversions come from the
/// EF Core model, so the statement is right for SQLite and PostgreSQL alike.
/// </summary>
internal static class ChangeRows
{
    // 7 values a row: 1,400 parameters a statement, far below SQLite's (32,766) and PostgreSQL's (65,535) limits.
    private const int RowsPerStatement = 200;

    public static async Task InsertAsync(ControlPlaneDb db, IReadOnlyList<ChangeEntry> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(ChangeEntry)) ?? throw new InvalidOperationException("ChangeEntry is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        // Every stored column but the generated key.
        var columns = entity.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)).ToArray();
        var mappings = columns.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var getters = columns.Select(p => p.GetGetter()).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var prefix = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!))).Append(") VALUES ").ToString();

        // SQLite binds parameters by name with a linear search, so a statement of many rows costs quadratic time there: it
        // gets one prepared single-row statement executed for each row (no parse, a few microseconds a row inside the
        // transaction); PostgreSQL gets multi-row statements (one round trip for many rows).
        var perStatement = db.Database.IsSqlite() ? 1 : RowsPerStatement;
        await db.Database.OpenConnectionAsync(ct);
        DbCommand? command = null;
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                if (command is null || command.Parameters.Count != count * columns.Length)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = Statement(prefix, count, columns.Length, sql);
                }

                command.Parameters.Clear();
                for (var i = 0; i < count; i++)
                {
                    var row = rows[start + i];
                    for (var c = 0; c < columns.Length; c++)
                    {
                        // CreateParameter applies the column's value converter (the provider's stored form).
                        command.Parameters.Add(mappings[c].CreateParameter(command, $"p{i}_{c}", getters[c].GetClrValueUsingContainingEntity(row), columns[c].IsNullable));
                    }
                }

                try
                {
                    await command.ExecuteNonQueryAsync(ct);
                }
                catch (DbException ex)
                {
                    // As SaveChanges reports a failed insert, so callers handle both paths alike.
                    throw new DbUpdateException($"Appending {count} change-log entries failed: {ex.Message}", ex);
                }
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Statement(string prefix, int rows, int columns, ISqlGenerationHelper sql)
    {
        var text = new StringBuilder(prefix, prefix.Length + (rows * columns * 8));
        for (var i = 0; i < rows; i++)
        {
            text.Append(i == 0 ? "(" : ", (");
            for (var c = 0; c < columns; c++)
            {
                text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder($"p{i}_{c}"));
            }

            text.Append(')');
        }

        return text.ToString();
    }
}
