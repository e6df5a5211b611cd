using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// Sets SQLite's own busy timeout on every connection it opens. Without it, a statement that meets the writer's lock
/// fails at once and Microsoft.Data.Sqlite retries it after a fixed 150 ms sleep, so a short write (an agent's recorded
/// outcomes, a lease renewal) waiting behind another costs at least 150 ms; SQLite's busy handler instead polls the lock
/// at 1-100 ms intervals and goes on as soon as the other writer commits.
/// </summary>
internal sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Pragma(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Pragma(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DbCommand Pragma(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = _pragma;
        return command;
    }
}
