using System.DirectoryServices.Protocols;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>One session over an in-memory stream on a fake clock: hello, leases, batches and acks, heartbeats, the end.</summary>
public sealed class ControlPlaneSessionTests : IDisposable
{
    private readonly SessionParts _parts = new();
    private readonly FakeDuplexStream _stream = new();

    public void Dispose() => _parts.Dispose();

    private Task Run(Action? received = null, Action? caughtUp = null) => Task.Run(() => _parts.Session(caughtUp).RunAsync(_stream.Call,
        new Hello { Hostname = "host1", Version = "1.0" }, () => { }, received ?? (() => { }), CancellationToken.None));

    [Fact]
    public async Task Hello_first_then_a_batch_under_the_lease_is_applied_and_acknowledged()
    {
        var received = 0;
        var session = Run(() => Interlocked.Increment(ref received));

        Assert.Equal("host1", (await _stream.NextAsync()).Hello.Hostname);
        _stream.Send(new ControlMessage { Lease = SessionParts.Grant(5) });
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 1, 2) });

        var ack = (await _stream.NextAsync()).Ack;
        Assert.Equal([1L, 2L], ack.Results.Select(r => r.Seq));
        Assert.Equal([1L, 2L], _parts.Writer.Applied);
        Assert.Equal(2, received);
        Assert.Equal("connected (primary)", _parts.Status.Current.State);

        _stream.Close();
        await Assert.ThrowsAsync<IOException>(() => session);
        Assert.Equal(0, _parts.Lease.Epoch);
        Assert.True(_stream.Disposed);
    }

    [Fact]
    public async Task Once_the_lease_is_in_doubt_a_batch_is_not_written_and_the_ack_asks_for_it_again()
    {
        var session = Run();
        await _stream.NextAsync(); // hello
        _stream.Send(new ControlMessage { Lease = SessionParts.Grant(5, leaseMillis: 1000, heartbeatMillis: 5000) });
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 1) });
        Assert.Single((await _stream.NextAsync()).Ack.Results);

        _parts.Time.Advance(TimeSpan.FromMilliseconds(800)); // no renewal came: past the agent's share of the lease
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 2, 3) });

        var ack = (await _stream.NextAsync()).Ack;
        Assert.Empty(ack.Results);
        Assert.Equal(2, ack.ResendFrom);
        Assert.Equal([1L], _parts.Writer.Applied);

        _stream.Close();
        await Assert.ThrowsAsync<IOException>(() => session);
    }

    [Fact]
    public async Task Heartbeats_go_at_the_interval_the_lease_asks_for_and_carry_the_epoch_and_counters()
    {
        var session = Run();
        await _stream.NextAsync(); // hello
        Assert.Equal(TimeSpan.FromSeconds(1), await _parts.Time.NextWaitAsync()); // the default before any lease
        _stream.Send(new ControlMessage { Lease = SessionParts.Grant(5, leaseMillis: 10_000, heartbeatMillis: 200) });
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 1, 2, 3) });
        await _stream.NextAsync(); // ack
        Assert.False(_stream.HasUnread);

        _parts.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(_stream.HasUnread);
        _parts.Time.Advance(TimeSpan.FromMilliseconds(1));
        var first = (await _stream.NextAsync()).Heartbeat;
        Assert.Equal(5, first.Epoch);
        Assert.Equal(3, first.Stats.Applied);

        Assert.Equal(TimeSpan.FromMilliseconds(200), await _parts.Time.NextWaitAsync());
        _parts.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(5, (await _stream.NextAsync()).Heartbeat.Epoch);

        Assert.Equal(TimeSpan.FromMilliseconds(200), await _parts.Time.NextWaitAsync());
        _stream.Send(new ControlMessage { Lease = new Lease { Granted = false, Epoch = 5 } });
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 4) });
        Assert.Equal(4, (await _stream.NextAsync()).Ack.ResendFrom); // the lease loss was read before this batch
        _parts.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, (await _stream.NextAsync()).Heartbeat.Epoch);

        _stream.Close();
        await Assert.ThrowsAsync<IOException>(() => session);
    }

    [Fact]
    public async Task A_directory_that_goes_away_ends_the_session_with_its_error_and_acknowledges_nothing()
    {
        _parts.Writer.OnApply = change => throw new LdapException(81, "server down");
        var session = Run();
        await _stream.NextAsync(); // hello
        _stream.Send(new ControlMessage { Lease = SessionParts.Grant(5) });
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 1) });

        var error = await Assert.ThrowsAsync<LdapException>(() => session);

        Assert.Equal(81, error.ErrorCode);
        Assert.False(_stream.HasUnread);
        Assert.True(_stream.Disposed);
    }

    [Fact]
    public async Task Catching_up_is_reported_after_the_ack_of_a_batch_written_whole_up_to_the_domains_last_seq()
    {
        var caughtUp = 0;
        var session = Run(caughtUp: () => Interlocked.Increment(ref caughtUp));
        await _stream.NextAsync(); // hello
        _stream.Send(new ControlMessage { Lease = SessionParts.Grant(5, leaseMillis: 1000, heartbeatMillis: 5000) });

        var behind = SessionParts.Batch(5, 1, 2);
        behind.LastSeq = 9; // the domain had more when this batch was sent
        _stream.Send(new ControlMessage { Batch = behind });
        await _stream.NextAsync(); // its ack
        Assert.Equal(0, Volatile.Read(ref caughtUp));

        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 3, 4, 5, 6, 7, 8, 9) });
        await _stream.NextAsync(); // its ack: everything the domain had is written
        await WaitAsync(() => Volatile.Read(ref caughtUp) == 1);

        _parts.Time.Advance(TimeSpan.FromMilliseconds(800)); // the lease is in doubt: nothing written, nothing caught up
        _stream.Send(new ControlMessage { Batch = SessionParts.Batch(5, 10) });
        Assert.Equal(10, (await _stream.NextAsync()).Ack.ResendFrom);
        Assert.Equal(1, Volatile.Read(ref caughtUp));

        _stream.Close();
        await Assert.ThrowsAsync<IOException>(() => session);
        Assert.Equal(1, Volatile.Read(ref caughtUp));
    }

    [Fact]
    public void Caught_up_needs_the_whole_batch_written_and_the_domains_last_seq_reached()
    {
        var batch = SessionParts.Batch(5, 1, 2, 3);
        var whole = new Ack { Epoch = 5 };
        whole.Results.Add(batch.Changes.Select(c => new EntryResult { Seq = c.Seq, Outcome = Outcome.Applied }));
        Assert.True(JumpCloudAdi.Agent.Session.ControlPlaneSession.CaughtUp(batch, whole));

        var part = new Ack { Epoch = 5, ResendFrom = 3 };
        part.Results.Add(whole.Results.Take(2));
        Assert.False(JumpCloudAdi.Agent.Session.ControlPlaneSession.CaughtUp(batch, part));

        batch.LastSeq = 4;
        Assert.False(JumpCloudAdi.Agent.Session.ControlPlaneSession.CaughtUp(batch, whole));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
