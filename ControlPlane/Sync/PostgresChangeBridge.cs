using Npgsql;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Carries <see cref="ChangeNotifier"/> signals between replicas that share one PostgreSQL database: each local signal
/// becomes <c>pg_notify</c> on <see cref="ChannelName"/>, and a dedicated connection LISTENs and wakes the local
/// sessions of the named domain (or ends the local session of an agent deleted through another replica: payload
/// <c>replica:agent-deleted=agentId</c>, which an older replica takes for an unknown domain and ignores). Signals stay hints: while the listener reconnects, sessions fall back to their
/// heartbeat poll, so nothing is lost, only delayed by at most one heartbeat.
/// </summary>
public sealed partial class PostgresChangeBridge(ChangeNotifier notifier, PostgresChangeBridge.Settings settings, ILogger<PostgresChangeBridge> logger)
    : BackgroundService
{
    /// <summary>The NOTIFY channel; payloads are <c>replica:domainId</c>.</summary>
    public const string ChannelName = "jcadi_changes";

    private static readonly TimeSpan _maxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Set once the listener's LISTEN has succeeded (again after each reconnect).</summary>
    private volatile bool _listening;

    /// <summary>The database to bridge through (the control plane's own connection string).</summary>
    public sealed record Settings(string ConnectionString);

    /// <summary>Tells this replica's own notifications (echoed back by PostgreSQL) from other replicas'.</summary>
    public string ReplicaId { get; } = Guid.NewGuid().ToString("N")[..12];

    public bool IsListening => _listening;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var outgoing = notifier.AttachBridge();
        return Task.WhenAll(ListenAsync(stoppingToken), PublishAsync(outgoing, stoppingToken));
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        // Not pooled: the connection lives as long as the replica and is dropped (not returned) on failure.
        var connectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false, KeepAlive = 15 }.ConnectionString;
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                _listening = true;
                Log.Listening(logger, ReplicaId);
                delay = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                _listening = false;
                Log.ListenFailed(logger, ex.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxRetryDelay.Ticks));
            }
        }
    }

    private void Deliver(string payload)
    {
        var separator = payload.IndexOf(':', StringComparison.Ordinal);
        if (separator > 0 && !payload.AsSpan(0, separator).SequenceEqual(ReplicaId))
        {
            notifier.DeliverRemote(payload[(separator + 1)..]);
        }
    }

    private async Task PublishAsync(System.Threading.Channels.ChannelReader<string> outgoing, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await outgoing.WaitToReadAsync(ct))
            {
                // Coalesce a burst: one notification per domain, all in one round trip.
                while (pending.Count < 500 && outgoing.TryRead(out var domainId))
                {
                    pending.Add(domainId);
                }

                try
                {
                    await using var batch = dataSource.CreateBatch();
                    foreach (var domainId in pending)
                    {
                        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
                        {
                            Parameters = { new() { Value = ChannelName }, new() { Value = $"{ReplicaId}:{domainId}" } },
                        });
                    }

                    await batch.ExecuteNonQueryAsync(ct);
                }
                catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
                {
                    // The other replicas' sessions will see the change on their next heartbeat poll.
                    Log.PublishFailed(logger, pending.Count, ex.Message);
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Listening for other replicas' change signals (replica {ReplicaId})")]
        public static partial void Listening(ILogger logger, string replicaId);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Change signals from other replicas unavailable ({Reason}); sessions poll on their heartbeat meanwhile; retrying in {DelayMs} ms")]
        public static partial void ListenFailed(ILogger logger, string reason, long delayMs);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Could not signal {Count} domains to other replicas ({Reason}); they will poll on their heartbeat")]
        public static partial void PublishFailed(ILogger logger, int count, string reason);
    }
}
