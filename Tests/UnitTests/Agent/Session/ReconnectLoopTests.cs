using Grpc.Core;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>Reconnecting on a fake clock: growing jittered waits, nothing retried before the wait is over, a working link starts over.</summary>
public sealed class ReconnectLoopTests : IDisposable
{
    private readonly SessionParts _parts = new();

    public void Dispose() => _parts.Dispose();

    private static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, "connection refused"));

    [Fact]
    public async Task Failures_wait_longer_each_time_and_a_session_that_worked_starts_the_waits_over()
    {
        var loop = new ReconnectLoop(_parts.Time, _parts.Status, NullLogger.Instance);
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => loop.RunAsync(_ =>
        {
            var attempt = Interlocked.Increment(ref attempts);
            if (attempt == 3)
            {
                loop.Backoff.Reset(); // this one got through: the control plane answered, then the link dropped
                throw new IOException("the control plane closed the session");
            }

            throw Unavailable();
        }, stop.Token));

        var first = await _parts.Time.NextWaitAsync();
        Assert.InRange(first, TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal("reconnecting", _parts.Status.Current.State);
        Assert.Contains("Unavailable", _parts.Status.Current.LastError, StringComparison.Ordinal);

        _parts.Time.Advance(first - TimeSpan.FromTicks(1));
        Assert.False(_parts.Time.HasUnreadWait);
        Assert.Equal(1, Volatile.Read(ref attempts)); // not retried before the wait is over
        _parts.Time.Advance(TimeSpan.FromTicks(1));

        var second = await _parts.Time.NextWaitAsync();
        Assert.Equal(2, Volatile.Read(ref attempts));
        Assert.InRange(second, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500));
        _parts.Time.Advance(second);

        var third = await _parts.Time.NextWaitAsync();
        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.InRange(third, TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
        Assert.Equal("the control plane closed the session", _parts.Status.Stats().LastError);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(3, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task A_refusal_by_the_control_plane_ends_the_loop_without_waiting()
    {
        var loop = new ReconnectLoop(_parts.Time, _parts.Status, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<EnrollmentException>(() => loop.RunAsync(
            _ => throw new RpcException(new Status(StatusCode.PermissionDenied, "agent deleted")), CancellationToken.None));

        Assert.Equal("agent deleted", error.Message);
        Assert.False(_parts.Time.HasUnreadWait);
    }

    [Fact]
    public async Task What_a_person_must_fix_is_not_retried()
    {
        var loop = new ReconnectLoop(_parts.Time, _parts.Status, NullLogger.Instance);
        var attempts = 0;

        await Assert.ThrowsAsync<DirectoryCheckException>(() => loop.RunAsync(_ =>
        {
            attempts++;
            throw new DirectoryCheckException("the root user container does not exist");
        }, CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.False(_parts.Time.HasUnreadWait);
    }
}
