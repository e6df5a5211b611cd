using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Writes rows in bulk inside the operation's transaction, without tracking an entity per row: multi-row
/// <c>INSERT ... VALUES (...), (...)</c> statements on PostgreSQL, one prepared statement re-executed per row on SQLite.
/// A group bind or a reconcile of thousands of users writes its change-log rows, and an ack of a thousand entries its
/// sync statuses and history, in a fraction of the time EF Core's change tracker and per-entity commands take, so the
/// transaction, and the writer lock SQLite holds for it, stays short. Table, column names, placeholders and value
/// conversions come from the EF Core model, so the statement is right for SQLite and PostgreSQL alike.
/// </summary>
internal static class BulkRows
{
    // At most 1,600 parameters a statement (200 rows of 8 values), far below SQLite's (32,766) and PostgreSQL's (65,535)
    // limits.
    private const int MaxParameters = 1600;

    private static readonly ConcurrentDictionary<(IModel Model, Type Type, Mode Mode), Shape> _shapes = new();

    private enum Mode
    {
        Insert,
        Upsert,
    }

    /// <summary>Inserts <paramref name="rows"/> (every stored column but a generated key).</summary>
    public static Task InsertAsync<T>(ControlPlaneDb db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class => WriteAsync(db, rows, Mode.Insert, ct);

    /// <summary>
    /// Inserts <paramref name="rows"/> or, where a row with the same primary key is stored, updates its other columns;
    /// a nullable column keeps its stored value where the new row has null (an anchor is never forgotten). No two rows
    /// may have the same key (PostgreSQL refuses to update a row twice in one statement).
    /// </summary>
    public static Task UpsertAsync<T>(ControlPlaneDb db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class => WriteAsync(db, rows, Mode.Upsert, ct);

    /// <summary>Builds the statement parts of <see cref="InsertAsync"/> for <typeparamref name="T"/> ahead of its first rows.</summary>
    public static void PrepareInsert<T>(ControlPlaneDb db)
        where T : class => ShapeOf<T>(db, Mode.Insert);

    /// <summary>Builds the statement parts of <see cref="UpsertAsync"/> for <typeparamref name="T"/> ahead of its first rows.</summary>
    public static void PrepareUpsert<T>(ControlPlaneDb db)
        where T : class => ShapeOf<T>(db, Mode.Upsert);

    private static Shape ShapeOf<T>(ControlPlaneDb db, Mode mode) =>
        _shapes.GetOrAdd((db.Model, typeof(T), mode), static (key, db) => Shape.Of(db, key.Type, key.Mode), db);

    private static async Task WriteAsync<T>(ControlPlaneDb db, IReadOnlyList<T> rows, Mode mode, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var shape = ShapeOf<T>(db, mode);

        // SQLite binds parameters by name with a linear search, so a statement of many rows costs quadratic time there: it
        // gets one prepared single-row statement executed for each row (no parse, a few microseconds a row inside the
        // transaction); PostgreSQL gets multi-row statements (one round trip for many rows).
        var perStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, MaxParameters / shape.Columns.Length);
        await db.Database.OpenConnectionAsync(ct);
        DbCommand? command = null;
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                if (command is null || command.Parameters.Count != count * shape.Columns.Length)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = shape.Statement(count);
                }

                command.Parameters.Clear();
                for (var i = 0; i < count; i++)
                {
                    var row = rows[start + i];
                    for (var c = 0; c < shape.Columns.Length; c++)
                    {
                        // CreateParameter applies the column's value converter (the provider's stored form).
                        command.Parameters.Add(shape.Mappings[c].CreateParameter(command, Shape.ParameterName(i, c),
                            shape.Getters[c].GetClrValueUsingContainingEntity(row), shape.Columns[c].IsNullable));
                    }
                }

                try
                {
                    await command.ExecuteNonQueryAsync(ct);
                }
                catch (DbException ex)
                {
                    // As SaveChanges reports a failed insert, so callers handle both paths alike.
                    throw new DbUpdateException($"Writing {count} {shape.Table} rows failed: {ex.Message}", ex);
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

    /// <summary>One entity type's statement parts, from the model (per model: SQLite's and PostgreSQL's differ).</summary>
    private sealed class Shape
    {
        private readonly string _prefix;
        private readonly string _suffix;
        private readonly ISqlGenerationHelper _sql;

        private Shape(string table, IProperty[] columns, string prefix, string suffix, ISqlGenerationHelper sql)
        {
            Table = table;
            Columns = columns;
            Mappings = columns.Select(p => p.GetRelationalTypeMapping()).ToArray();
            Getters = columns.Select(p => p.GetGetter()).ToArray();
            _prefix = prefix;
            _suffix = suffix;
            _sql = sql;
        }

        public string Table { get; }
        public IProperty[] Columns { get; }
        public RelationalTypeMapping[] Mappings { get; }
        public IClrPropertyGetter[] Getters { get; }

        public static string ParameterName(int row, int column) => $"p{row}_{column}";

        public static Shape Of(ControlPlaneDb db, Type type, Mode mode)
        {
            var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            // Every stored column but a generated key.
            var columns = entity.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)).ToArray();
            var sql = db.GetService<ISqlGenerationHelper>();
            var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
            string Column(IProperty p) => sql.DelimitIdentifier(p.GetColumnName(table)!);
            var prefix = new StringBuilder("INSERT INTO ").Append(tableName).Append(" (")
                .AppendJoin(", ", columns.Select(Column)).Append(") VALUES ").ToString();
            var suffix = "";
            if (mode == Mode.Upsert)
            {
                // SQLite (3.24 on) and PostgreSQL share this form: "excluded" is the row that was to be inserted.
                var key = entity.FindPrimaryKey()!.Properties;
                var set = columns.Where(c => !key.Contains(c)).Select(c => c.IsNullable
                    ? $"{Column(c)} = COALESCE(excluded.{Column(c)}, {tableName}.{Column(c)})"
                    : $"{Column(c)} = excluded.{Column(c)}");
                suffix = new StringBuilder(" ON CONFLICT (").AppendJoin(", ", key.Select(Column)).Append(") DO UPDATE SET ")
                    .AppendJoin(", ", set).ToString();
            }

            return new Shape(table.Name, columns, prefix, suffix, sql);
        }

        public string Statement(int rows)
        {
            var text = new StringBuilder(_prefix, _prefix.Length + (rows * Columns.Length * 8) + _suffix.Length);
            for (var i = 0; i < rows; i++)
            {
                text.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < Columns.Length; c++)
                {
                    text.Append(c == 0 ? "" : ", ").Append(_sql.GenerateParameterNamePlaceholder(ParameterName(i, c)));
                }

                text.Append(')');
            }

            return text.Append(_suffix).ToString();
        }
    }
}
