using System.Threading.Channels;
using Grpc.Core;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Session;
using JumpCloudAdi.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>
/// A directory that records what it was asked to write (from any lane: <see cref="Applied"/> is shared by the lanes
/// made with <see cref="Lane"/>); <see cref="OnApply"/> runs before each write; <see cref="KeyOf"/> says which
/// entries may be written side by side (none by default).
/// </summary>
internal sealed class FakeChangeWriter : IChangeWriter
{
    private readonly FakeChangeWriter? _primary;

    public FakeChangeWriter()
    {
    }

    private FakeChangeWriter(FakeChangeWriter primary, int lane)
    {
        _primary = primary;
        Applied = primary.Applied;
        Writes = primary.Writes;
        Number = lane;
    }

    /// <summary>0 for the writer itself, 1.. for its lanes.</summary>
    public int Number { get; }

    public List<long> Applied { get; } = [];

    /// <summary>Every write with the lane that made it, in the order they started.</summary>
    public List<(long Seq, int Lane)> Writes { get; } = [];

    private Action<Change>? _onApply;

    public Action<Change>? OnApply { get => (_primary ?? this)._onApply; set => _onApply = value; }

    public Func<Change, string?>? KeyOf { get; set; }

    /// <summary>A writer beside this one that shares what it records.</summary>
    public FakeChangeWriter Lane(int number) => new(this, number);

    public ApplyResult Apply(Change change)
    {
        lock (Applied)
        {
            Writes.Add((change.Seq, Number));
        }

        OnApply?.Invoke(change);
        lock (Applied)
        {
            Applied.Add(change.Seq);
        }

        return ApplyResult.Applied($"anchor-{change.Seq}");
    }

    public string? ConcurrencyKey(Change change) => (_primary ?? this).KeyOf?.Invoke(change);

    public string? Fingerprint(Change change) => null;

    public void LookAhead(IEnumerable<Change> changes)
    {
    }

    public void ForgetLookAhead()
    {
    }
}

/// <summary>
/// Both halves of a duplex call in memory, as grpc-dotnet's own client tests build them: what the agent writes can be
/// read by the test, what the test sends the agent reads.
/// </summary>
internal sealed class FakeDuplexStream : IClientStreamWriter<AgentMessage>, IAsyncStreamReader<ControlMessage>
{
    private readonly Channel<AgentMessage> _sent = Channel.CreateUnbounded<AgentMessage>();
    private readonly Channel<ControlMessage> _toAgent = Channel.CreateUnbounded<ControlMessage>();

    private CancellationToken _callToken;

    public WriteOptions? WriteOptions { get; set; }
    public ControlMessage Current { get; private set; } = null!;

    /// <summary>Whether the agent's side cancelled the call (its session ended).</summary>
    public bool Disposed { get; private set; }

    public AsyncDuplexStreamingCall<AgentMessage, ControlMessage> Call(CancellationToken token)
    {
        _callToken = token;
        return new AsyncDuplexStreamingCall<AgentMessage, ControlMessage>(this, this, Task.FromResult(new Metadata()),
            () => Status.DefaultSuccess, () => [], () => Disposed = true);
    }

    public void Send(ControlMessage message) => Assert.True(_toAgent.Writer.TryWrite(message));

    /// <summary>The control plane ends the stream.</summary>
    public void Close() => _toAgent.Writer.TryComplete();

    /// <summary>The next message the agent sent; fails the test instead of hanging when none comes.</summary>
    public async Task<AgentMessage> NextAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _sent.Reader.ReadAsync(guard.Token);
    }

    /// <summary>Whether the agent has sent a message not yet read.</summary>
    public bool HasUnread => _sent.Reader.TryPeek(out _);

    Task IAsyncStreamWriter<AgentMessage>.WriteAsync(AgentMessage message) => ((IAsyncStreamWriter<AgentMessage>)this).WriteAsync(message, CancellationToken.None);

    Task IAsyncStreamWriter<AgentMessage>.WriteAsync(AgentMessage message, CancellationToken cancellationToken) =>
        _sent.Writer.WriteAsync(message, cancellationToken).AsTask();

    public Task CompleteAsync()
    {
        _sent.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        // As grpc-dotnet's reader: a cancelled call ends the read with RpcException(Cancelled).
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callToken);
        try
        {
            if (!await _toAgent.Reader.WaitToReadAsync(both.Token))
            {
                return false;
            }

            Current = await _toAgent.Reader.ReadAsync(both.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
        }
    }
}

/// <summary>A fake clock that also tells each delay or timer started on it (so a test advances only once a wait began).</summary>
internal sealed class WatchedTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public WatchedTimeProvider()
        : base(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next wait started on this clock; fails the test instead of hanging when none starts.</summary>
    public async Task<TimeSpan> NextWaitAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _timers.Reader.ReadAsync(guard.Token);
    }

    /// <summary>Whether a wait started that <see cref="NextWaitAsync"/> has not returned yet.</summary>
    public bool HasUnreadWait => _timers.Reader.TryPeek(out _);
}

/// <summary>The session's parts wired as the agent wires them, on a fake clock.</summary>
internal sealed class SessionParts : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("jcadi-session-").FullName;

    public SessionParts()
    {
        Lease = new LeaseClock(Time);
        Status = new StatusReporter(Path.Combine(_dir, "agent.json"), Lease, Time);
        Applier = new BatchApplier(Writer, Lease, Resend, Status, NullLogger.Instance);
    }

    public WatchedTimeProvider Time { get; } = new();
    public FakeChangeWriter Writer { get; } = new();
    public ResendGate Resend { get; } = new();
    public LeaseClock Lease { get; }
    public StatusReporter Status { get; }
    public BatchApplier Applier { get; }

    public ControlPlaneSession Session(Action? caughtUp = null) => new(Lease, Resend, Applier, Status, Time, NullLogger.Instance, caughtUp);

    public static Lease Grant(long epoch, int leaseMillis = 1000, int heartbeatMillis = 200) =>
        new() { Granted = true, Epoch = epoch, LeaseMillis = leaseMillis, HeartbeatMillis = heartbeatMillis };

    public static ChangeBatch Batch(long epoch, params long[] seqs)
    {
        var batch = new ChangeBatch { Epoch = epoch, LastSeq = seqs.Length == 0 ? 0 : seqs[^1] };
        foreach (var seq in seqs)
        {
            batch.Changes.Add(new Change { Seq = seq, UserUpsert = new UserUpsert { UserId = $"u{seq}", Username = $"user{seq}" } });
        }

        return batch;
    }

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);
}
