using System.Text.Json;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.ControlPlane.Telemetry;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>
/// One connected agent. A reader handles hello, heartbeats and acks; the pump competes for the domain's lease and,
/// while it holds it, sends the change log from the acknowledged cursor on. Every database step is a short unit of
/// work of its own, so the session holds no connection or transaction while it waits.
/// </summary>
internal sealed class AgentSession(
    AgentRecord agent,
    IAsyncStreamReader<AgentMessage> requests,
    IServerStreamWriter<ControlMessage> responses,
    ServerCallContext context,
    IDbContextFactory<ControlPlaneDb> dbFactory,
    ChangeNotifier notifier,
    AgentEvents events,
    AgentSessions sessions,
    LeaseRenewer renewer,
    ContactRecorder contacts,
    ControlPlaneMetrics metrics,
    AgentCounters agentCounters,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<AgentsOptions> options,
    ILogger<AgentSession> logger)
{
    // Batches are sized by the agent's measured apply rate (entries acknowledged per second while it had work): about
    // BatchWork of its work each, between MinBatchSize and MaxBatchSize entries and at most MaxBatchBytes of stored
    // payload (well below gRPC's 4 MiB message limit); about WindowWork of its work is kept in flight (at least two
    // batches, at most MaxInFlight entries), so the next batch is there when the agent finishes the current one.
    private const int MinBatchSize = 16;
    private const int FirstBatchSize = 100;
    private const int MaxBatchSize = 500;
    private const int MaxBatchBytes = 1 << 20;
    private const int MaxInFlight = 2000;
    private static readonly TimeSpan _batchWork = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan _windowWork = TimeSpan.FromSeconds(1);

    private static readonly JsonParser _parser = new(JsonParser.Settings.Default);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeSpan _heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);

    // What acknowledged entries leave to record (sync statuses, history, erasing sealed passwords): written by the
    // reader, recorded by one task of the session, several acks at a time, so an ack moves the cursor (and lets the
    // next batch go out) without waiting for those writes. Bounded: a recorder that falls far behind slows the acks.
    private readonly Channel<List<(EntryResult Result, Sent Sent)>> _outcomes =
        Channel.CreateBounded<List<(EntryResult Result, Sent Sent)>>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });

    // The agent's apply rate, entries per second (smoothed; 0 until measured), from acks that arrived while more was in
    // flight. Written by the reader, read by the pump.
    private double _applyRate;
    private long _busyAckAt; // timestamp of the last ack after which entries were still in flight; 0 when none was

    // Lease state: written by the pump, read by the reader (acks carry their epoch and are checked in the database).
    private long _epoch;
    private long _sentUpTo;
    private long _ackedUpTo;
    private long _resendFrom; // set by the reader when the agent asks for a resend, consumed by the pump
    private int _renewal; // 0 none pending, 1 renewed, -1 lost: set by the renewer, consumed by the pump

    // The new primary's reconcile, while it waits for the backlog found at the grant to be sent: the LastSeq then (0:
    // none waiting). Only the pump touches it.
    private long _reconcileAfter;

    // The entries this session sent in its current epoch and that are not acknowledged yet, with what recording their
    // outcome needs (taken from the stored entry): an ack may only report on these. Written by the pump before each batch
    // goes out, read and trimmed by the reader; guarded by the lock. At most MaxInFlight (+ one batch) entries.
    private readonly Lock _sentLock = new();
    private readonly Dictionary<long, Sent> _sent = [];
    private readonly Dictionary<long, string> _sentTraces = []; // the traced ones among them: the send span's context
    private long _sentEpoch;

    // Refused acks are logged at most once per RefusalLogInterval and kind (with how many were not logged since), so a
    // flood of forged acks cannot flood the log. Only the reader touches these.
    private static readonly TimeSpan _refusalLogInterval = TimeSpan.FromSeconds(10);
    private readonly long[] _refusalLoggedAt = new long[4];
    private readonly int[] _refusalsUnlogged = new int[4];

    /// <summary>
    /// An entry as it was sent: the object it concerns ("" for none), its change kind, and whether the stored entry holds
    /// a sealed password (seal-only mode), which its acknowledgement erases.
    /// </summary>
    private readonly record struct Sent(string ObjectId, string Kind, bool StoredPassword);

    private enum Refusal
    {
        NotSync,
        NoLease,
        OtherEpoch,
        NotSent,
    }

    private string DomainId => agent.DomainId;

    public async Task RunAsync()
    {
        var ct = context.CancellationToken;
        using var subscription = notifier.Subscribe(DomainId, Wake);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var registration = sessions.Register(agent.Id, stop);
        var reader = Task.Run(() => ReadAsync(stop.Token), CancellationToken.None);
        var recorder = Task.Run(RecordOutcomesAsync, CancellationToken.None);
        try
        {
            await PumpAsync(reader, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or RpcException)
        {
            AgentGatewayLog.SessionError(logger, ex, agent.Id);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reader;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException or InvalidOperationException)
            {
            }

            // What was acknowledged is recorded before the session ends.
            _outcomes.Writer.TryComplete();
            await recorder;
            await EndAsync();
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task ReadAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var message in requests.ReadAllAsync(ct))
            {
                switch (message.BodyCase)
                {
                    case AgentMessage.BodyOneofCase.Hello:
                        await OnHelloAsync(message.Hello, ct);
                        break;
                    case AgentMessage.BodyOneofCase.Heartbeat:
                        // Standbys ask for the lease on the pump's own heartbeat tick; nothing to wake here.
                        contacts.Heard(agent.Id);
                        if (message.Heartbeat.Stats is { } stats)
                        {
                            agentCounters.Report(agent.Id, DomainId, stats, time.GetUtcNow());
                        }

                        break;
                    case AgentMessage.BodyOneofCase.Ack:
                        await OnAckAsync(message.Ack, ct);
                        Wake();
                        break;
                }
            }
        }
        finally
        {
            // The agent closed its side (or the call ended): stop the pump.
            _wake.Writer.TryComplete();
        }
    }

    private async Task PumpAsync(Task reader, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && !reader.IsCompleted)
        {
            if (Volatile.Read(ref _epoch) == 0)
            {
                await TryBecomePrimaryAsync(ct);
            }
            else
            {
                await ReportRenewalAsync(ct);
            }

            if (Volatile.Read(ref _epoch) != 0)
            {
                var drained = await SendPendingAsync(ct);
                if (_reconcileAfter > 0 && (drained || _sentUpTo >= _reconcileAfter) && Volatile.Read(ref _epoch) != 0)
                {
                    // The whole backlog is in flight: the snapshot goes in behind it (its commit wakes this pump again).
                    _reconcileAfter = 0;
                    await ReconcileAsync(ct);
                }
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            tick.CancelAfter(_heartbeat);
            try
            {
                if (!await _wake.Reader.WaitToReadAsync(tick.Token))
                {
                    return;
                }

                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
    }

    private async Task TryBecomePrimaryAsync(CancellationToken ct)
    {
        if (agent.AgentType != AgentType.Sync)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var leases = new LeaseStore(db, time, options);
        var epoch = await leases.TryAcquireAsync(DomainId, agent.Id, ct);
        if (epoch is null)
        {
            return;
        }

        var cursor = await SessionQueries.CursorAsync(db, DomainId, ct)
            ?? throw new InvalidOperationException($"Domain {DomainId} was deleted while its agent {agent.Id} was granted its lease.");
        var acked = cursor.AckedSeq;
        Volatile.Write(ref _ackedUpTo, acked);
        _sentUpTo = acked;
        lock (_sentLock)
        {
            _sent.Clear();
            _sentTraces.Clear();
            _sentEpoch = epoch.Value;
        }

        Volatile.Write(ref _epoch, epoch.Value);
        renewer.Track(agent.Id, DomainId, epoch.Value, OnRenewal);

        // A new primary reconciles: whatever drifted while nobody (or another agent) wrote is repaired. The snapshot is
        // appended once the backlog found now is all sent (at once when there is none), not before the first batch:
        // - its entries follow that backlog in the log either way (they are numbered after LastSeq), so the agent applies
        //   the same entries in the same order as if it had been appended now; only the desired state it carries is read
        //   later, and so is more current (a change committed meanwhile has its own entries, before the snapshot's);
        // - appending it (a whole domain: ~0.5 s for 10,000 users) would otherwise keep the backlog from the agent that
        //   long; once the backlog is in flight the agent has up to a window of work while it is written;
        // - a session that loses the lease (or ends) before that never appends it: the next primary's grant does.
        // Nothing is lost or doubled: the log and the acknowledged cursor work as for any other entries, and a snapshot
        // still pending (unacknowledged, e.g. the previous primary's) coalesces this one as before.
        // A domain nothing was ever acknowledged in (cursor 0) gets no snapshot: its log is whole from the first entry (the
        // pruner deletes only acknowledged entries) and every bound object got its upsert, password and member list there
        // when it came to reach the domain, and an entry for every change since; sent from the start, the log already
        // writes each object as it is now, so a snapshot would only repeat a first sync (doubling its work). Whatever an
        // earlier primary wrote without acknowledging is written again by the same entries.
        if (acked == 0)
        {
            _reconcileAfter = 0;
            AgentGatewayLog.FirstSyncWithoutReconcile(logger, DomainId, agent.Id, cursor.LastSeq);
        }
        else
        {
            _reconcileAfter = cursor.LastSeq > acked ? cursor.LastSeq : 0;
            if (_reconcileAfter == 0)
            {
                await ReconcileAsync(ct);
            }
        }

        AgentGatewayLog.LeaseGranted(logger, agent.Id, DomainId, epoch.Value);
        metrics.PrimaryChanged(DomainId);
        events.Primary(DomainId);
        await WriteAsync(new ControlMessage { Lease = LeaseMessage(true, epoch.Value) }, ct);
    }

    /// <summary>
    /// Queues the domain's snapshot (<see cref="Reconciler"/>; coalesced with one still pending). A database failure is
    /// logged and the session goes on streaming the log: a reconcile repairs drift, nothing waits on it.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Commands.Domains.ReconcileDomainCommand>().ExecuteAsync(DomainId, ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            AgentGatewayLog.ReconcileFailed(logger, ex, DomainId, agent.Id);
        }
    }

    private void OnRenewal(bool renewed)
    {
        Volatile.Write(ref _renewal, renewed ? 1 : -1);
        Wake();
    }

    /// <summary>Tells the agent the outcome of the last batched renewal: extended, or lost (stop applying).</summary>
    private async Task ReportRenewalAsync(CancellationToken ct)
    {
        var renewal = Interlocked.Exchange(ref _renewal, 0);
        var epoch = Volatile.Read(ref _epoch);
        if (renewal == 1)
        {
            await WriteAsync(new ControlMessage { Lease = LeaseMessage(true, epoch) }, ct);
        }
        else if (renewal == -1)
        {
            AgentGatewayLog.LeaseLost(logger, agent.Id, DomainId, epoch);
            Volatile.Write(ref _epoch, 0);
            _reconcileAfter = 0; // the next primary reconciles
            lock (_sentLock)
            {
                _sent.Clear();
                _sentTraces.Clear();
                _sentEpoch = 0;
            }

            events.Primary(DomainId);
            await WriteAsync(new ControlMessage { Lease = LeaseMessage(false, epoch) }, ct);
        }
    }

    /// <summary>Sends batches while the window has room; true when it found nothing more to send.</summary>
    private async Task<bool> SendPendingAsync(CancellationToken ct)
    {
        var epoch = Volatile.Read(ref _epoch);
        var resendFrom = Interlocked.Exchange(ref _resendFrom, 0);
        if (resendFrom > 0)
        {
            _sentUpTo = Math.Min(_sentUpTo, resendFrom - 1);
        }

        // After an ack the cursor may have moved past what this session sent (another replica, a restart).
        _sentUpTo = Math.Max(_sentUpTo, Volatile.Read(ref _ackedUpTo));
        var (size, window) = Sizes(Volatile.Read(ref _applyRate));
        long lastSeq = 0; // the domain's, for the agent's progress (x of N): read once per call, not per batch
        while (_sentUpTo - Volatile.Read(ref _ackedUpTo) < window)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var from = _sentUpTo;
            var entries = await SessionQueries.ChangePageAsync(db, DomainId, from, size, ct);
            if (entries.Count == 0)
            {
                return true;
            }

            TrimToBytes(entries);

            if (lastSeq == 0)
            {
                lastSeq = (await SessionQueries.CursorAsync(db, DomainId, ct))?.LastSeq ?? 0;
            }

            var batch = new ChangeBatch { Epoch = epoch, LastSeq = Math.Max(lastSeq, entries[^1].Seq) };
            batch.Changes.AddRange(entries.Select(e => _parser.Parse<Change>(e.Payload)));
            // What the stored entries are, before the vault's passwords are sealed into the batch.
            var sent = new Sent[entries.Count];
            for (var i = 0; i < entries.Count; i++)
            {
                var change = batch.Changes[i];
                sent[i] = new Sent(History.ChangeObjects.IdOf(change) ?? "", entries[i].Kind,
                    change.KindCase == Change.KindOneofCase.PasswordSet && change.PasswordSet.Password is not null);
            }

            using var spans = ChangeTracing.StartSend(entries, batch, agent.Id);
            await FillAnchorsAsync(db, batch, ct);
            await SendTimeSealing.FillAsync(db, context.GetHttpContext().RequestServices, agent, batch, logger, ct);
            // Recorded before the batch goes out: the agent's ack may arrive before the write returns.
            lock (_sentLock)
            {
                if (_sentEpoch != epoch)
                {
                    return false; // the lease was lost meanwhile
                }

                for (var i = 0; i < batch.Changes.Count; i++)
                {
                    var change = batch.Changes[i];
                    _sent[change.Seq] = sent[i];
                    if (change.Traceparent.Length > 0)
                    {
                        _sentTraces[change.Seq] = change.Traceparent;
                    }
                }
            }

            await WriteAsync(new ControlMessage { Batch = batch }, ct);
            _sentUpTo = entries[^1].Seq;
            AgentGatewayLog.BatchSent(logger, entries[0].Seq, _sentUpTo, DomainId, agent.Id);
        }

        return false;
    }

    /// <summary>The batch size and the in-flight window for an agent applying <paramref name="rate"/> entries a second (0: not measured yet).</summary>
    internal static (int BatchSize, int Window) Sizes(double rate)
    {
        if (rate <= 0)
        {
            return (FirstBatchSize, MaxInFlight);
        }

        var size = (int)Math.Clamp(rate * _batchWork.TotalSeconds, MinBatchSize, MaxBatchSize);
        return (size, (int)Math.Clamp(rate * _windowWork.TotalSeconds, 2 * size, MaxInFlight));
    }

    /// <summary>Drops the entries past <see cref="MaxBatchBytes"/> of stored payload (the first entry always stays).</summary>
    internal static void TrimToBytes(List<ChangeEntry> entries)
    {
        long bytes = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            bytes += entries[i].Payload.Length;
            if (bytes > MaxBatchBytes && i > 0)
            {
                entries.RemoveRange(i, entries.Count - i);
                return;
            }
        }
    }

    /// <summary>
    /// Counts an ack of <paramref name="count"/> entries towards the apply rate: measured over the time since the previous
    /// ack only if entries were still in flight then (the agent was busy all along, not waiting for the next batch).
    /// </summary>
    private void MeasureApplyRate(int count)
    {
        var now = time.GetTimestamp();
        var busySince = Volatile.Read(ref _busyAckAt);
        if (busySince != 0)
        {
            var seconds = time.GetElapsedTime(busySince, now).TotalSeconds;
            if (seconds > 0)
            {
                var sample = count / seconds;
                var rate = Volatile.Read(ref _applyRate);
                Volatile.Write(ref _applyRate, rate <= 0 ? sample : (0.7 * rate) + (0.3 * sample));
            }
        }

        Volatile.Write(ref _busyAckAt, Volatile.Read(ref _sentUpTo) > Volatile.Read(ref _ackedUpTo) ? now : 0);
    }

    /// <summary>Tells the agent which directory entry each object was last seen as, so renames never duplicate.</summary>
    private async Task FillAnchorsAsync(ControlPlaneDb db, ChangeBatch batch, CancellationToken ct)
    {
        var ids = batch.Changes.Where(c => c.HasAnchor).Select(c => c.ObjectId).Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var anchors = await SessionQueries.AnchorsAsync(db, DomainId, ids, ct);
        // A user imported from this domain's directory: not written here yet, the entry it was imported from; its entry
        // keeps the name it has there (no rename, no new UPN: the directory, not JumpCloud, names it).
        var userIds = batch.Changes.Where(c => c.KindCase == Change.KindOneofCase.UserUpsert).Select(c => c.ObjectId).Distinct().ToList();
        var imported = userIds.Count == 0 ? [] : await SessionQueries.ImportedUsersAsync(db, DomainId, userIds, ct);
        foreach (var o in imported)
        {
            anchors.TryAdd(o.ObjectId, o.Anchor);
        }

        var keepName = imported.Select(o => o.ObjectId).ToHashSet(StringComparer.Ordinal);
        foreach (var change in batch.Changes)
        {
            if (change.HasAnchor && anchors.TryGetValue(change.ObjectId, out var anchor))
            {
                change.Anchor = anchor;
            }

            if (change.KindCase == Change.KindOneofCase.UserUpsert && keepName.Contains(change.ObjectId))
            {
                change.UserUpsert.KeepName = true;
            }
        }
    }

    private async Task OnHelloAsync(Hello hello, CancellationToken ct)
    {
        agent.Hostname = hello.Hostname;
        agent.Version = hello.Version;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = hello.Settings.Count == 0 ? null : JsonSerializer.Serialize(hello.Settings.ToDictionary(kv => kv.Key, kv => kv.Value));
        await SessionQueries.RecordHelloAsync(db, agent.Id, hello, settings, SourceIp(), time.GetUtcNow(), ct);
        AgentGatewayLog.Connected(logger, agent.Id, hello.Hostname, hello.Version);
        events.AgentChanged(DomainId, agent.Id);
    }

    private async Task OnAckAsync(Ack ack, CancellationToken ct)
    {
        // Only the lease holder's own session, for its current epoch, may acknowledge; anyone else changes nothing.
        var epoch = Volatile.Read(ref _epoch);
        if (agent.AgentType != AgentType.Sync)
        {
            Refuse(Refusal.NotSync, ack.Epoch, "an IMPORT agent does not sync");
            return;
        }

        if (epoch == 0 || ack.Epoch != epoch)
        {
            if (epoch == 0)
            {
                Refuse(Refusal.NoLease, ack.Epoch, "it does not hold the lease");
            }
            else
            {
                Refuse(Refusal.OtherEpoch, ack.Epoch, $"its lease is epoch {epoch}");
            }

            return;
        }

        if (ack.Results.Count == 0)
        {
            RequestResend(ack);
            return;
        }

        // Every result must be for an entry this session sent in this epoch and that is not acknowledged yet; the object
        // it concerns is the stored entry's, whatever the message claims.
        var results = new List<(EntryResult Result, Sent Sent)>(ack.Results.Count);
        long? unsent = null;
        lock (_sentLock)
        {
            foreach (var result in ack.Results)
            {
                if (_sentEpoch != epoch || !_sent.TryGetValue(result.Seq, out var sent))
                {
                    unsent = result.Seq;
                    break;
                }

                results.Add((result, sent));
            }
        }

        if (unsent is { } notSent)
        {
            Refuse(Refusal.NotSent, ack.Epoch, $"change {notSent} was not sent to this session or is already acknowledged");
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var maxSeq = results.Max(r => r.Result.Seq);
        if (!await new LeaseStore(db, time, options).AdvanceCursorAsync(DomainId, agent.Id, ack.Epoch, maxSeq, ct))
        {
            AgentGatewayLog.StaleAck(logger, agent.Id, ack.Epoch);
            return;
        }

        List<(long Seq, string TraceParent)>? traced = null;
        lock (_sentLock)
        {
            if (_sentEpoch == epoch)
            {
                foreach (var seq in _sent.Keys.Where(k => k <= maxSeq).ToList())
                {
                    _sent.Remove(seq);
                }

                traced = ChangeTracing.TakeAcked(_sentTraces, maxSeq);
            }
        }

        InterlockedMax(ref _ackedUpTo, maxSeq);
        MeasureApplyRate(results.Count);
        metrics.Acknowledged(DomainId, results.Count);
        ChangeTracing.Acknowledged(traced, ack.Results);
        foreach (var (result, _) in results)
        {
            metrics.Outcome(DomainId, OutcomeKind(result.Outcome).ToWire(), result.Code);
        }

        RequestResend(ack);
        // The cursor moved: the pump may send the next batch while the recorder writes what the outcomes leave.
        Wake();
        await _outcomes.Writer.WriteAsync(results, ct);
    }

    /// <summary>Records acknowledged outcomes as they come, all those waiting at once, until the session ends.</summary>
    private async Task RecordOutcomesAsync()
    {
        var reader = _outcomes.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var results = new List<(EntryResult Result, Sent Sent)>();
            while (results.Count < MaxInFlight && reader.TryRead(out var more))
            {
                results.AddRange(more);
            }

            try
            {
                await RecordAsync(results, CancellationToken.None);
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                AgentGatewayLog.OutcomesNotRecorded(logger, ex, agent.Id);
            }
        }
    }

    /// <summary>
    /// Records what acknowledged entries leave (sealed passwords erased, sync statuses, history) in one transaction,
    /// set-based (<see cref="History.SyncHistory.RecordAcknowledgedAsync"/>), then tells the live views.
    /// </summary>
    private async Task RecordAsync(List<(EntryResult Result, Sent Sent)> results, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var acknowledged = new List<History.Acknowledged>(results.Count);
        foreach (var (result, sent) in results)
        {
            var outcome = new SyncOutcome(DomainId, agent.Id, result.Seq, sent.ObjectId, OutcomeKind(result.Outcome), result.Code, result.Message, now);
            acknowledged.Add(new History.Acknowledged(outcome, sent.Kind, result.Anchor, sent.StoredPassword));
            if (result.Outcome == Outcome.Failed)
            {
                AgentGatewayLog.ChangeFailed(logger, agent.Id, result.Seq, result.Code, result.Message);
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await History.SyncHistory.RecordAcknowledgedAsync(db, acknowledged, ct);
        events.Outcomes(acknowledged.ConvertAll(a => a.Outcome));
    }

    private void Refuse(Refusal kind, long epoch, string reason)
    {
        var i = (int)kind;
        if (_refusalLoggedAt[i] != 0 && time.GetElapsedTime(_refusalLoggedAt[i]) < _refusalLogInterval)
        {
            _refusalsUnlogged[i]++;
            return;
        }

        AgentGatewayLog.RefusedAck(logger, agent.Id, epoch, reason, _refusalsUnlogged[i]);
        _refusalsUnlogged[i] = 0;
        _refusalLoggedAt[i] = time.GetTimestamp();
    }

    /// <summary>The agent stopped mid-batch (its lease ran out by its own clock): send from that entry again.</summary>
    private void RequestResend(Ack ack)
    {
        if (ack.ResendFrom > 0 && ack.Epoch == Volatile.Read(ref _epoch))
        {
            Volatile.Write(ref _resendFrom, ack.ResendFrom);
        }
    }

    private static SyncOutcomeKind OutcomeKind(Outcome outcome) => outcome switch
    {
        Outcome.Applied => SyncOutcomeKind.Applied,
        Outcome.Skipped => SyncOutcomeKind.Skipped,
        Outcome.Failed => SyncOutcomeKind.Failed,
        _ => SyncOutcomeKind.Unknown,
    };

    private async Task EndAsync()
    {
        AgentGatewayLog.Disconnected(logger, agent.Id);
        renewer.Untrack(agent.Id);
        agentCounters.Forget(agent.Id);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var epoch = Volatile.Read(ref _epoch);
            if (epoch != 0)
            {
                // Hand the domain over at once rather than waiting for the lease to lapse.
                await new LeaseStore(db, time, options).ReleaseAsync(DomainId, agent.Id, epoch, CancellationToken.None);
            }

            await db.Agents.Where(a => a.Id == agent.Id && a.State == AgentStates.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AgentStates.Inactive), CancellationToken.None);
        }
        finally
        {
            notifier.Signal(DomainId);
            events.AgentChanged(DomainId, agent.Id);
            if (Volatile.Read(ref _epoch) != 0)
            {
                events.Primary(DomainId);
            }
        }
    }

    private Lease LeaseMessage(bool granted, long epoch) => new()
    {
        Granted = granted,
        Epoch = epoch,
        LeaseMillis = options.Value.LeaseSeconds * 1000,
        HeartbeatMillis = options.Value.HeartbeatSeconds * 1000,
    };

    private async Task WriteAsync(ControlMessage message, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await responses.WriteAsync(message, ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private string? SourceIp()
    {
        var peer = context.GetHttpContext().Connection.RemoteIpAddress;
        return peer?.IsIPv4MappedToIPv6 == true ? peer.MapToIPv4().ToString() : peer?.ToString();
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
