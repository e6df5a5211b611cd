using JumpCloudAdi.Agent.Session;

namespace JumpCloudAdi.UnitTests.Agent.Session;

public class BackoffTests
{
    private static readonly TimeSpan _initial = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan _max = TimeSpan.FromSeconds(5);

    [Fact]
    public void Next_FirstDelay_IsBetweenHalfAndFullInitial()
    {
        for (var i = 0; i < 100; i++)
        {
            var delay = new Backoff(_initial, _max).Next();
            Assert.InRange(delay, _initial / 2, _initial);
        }
    }

    [Fact]
    public void Next_DelaysDoubleUntilTheCap()
    {
        var backoff = new Backoff(_initial, _max);

        // Attempt k lies in [c/2, c] with c = min(max, initial * 2^k); so each range's floor is the previous ceiling.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var ceiling = TimeSpan.FromMilliseconds(Math.Min(_max.TotalMilliseconds, _initial.TotalMilliseconds * Math.Pow(2, attempt)));
            Assert.InRange(backoff.Next(), ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void Next_DelaysNeverDecreaseWhileBelowTheCap()
    {
        // With max = initial * 2^6 every uncapped range starts where the previous one ended.
        var backoff = new Backoff(_initial, _initial * 64);
        var previous = TimeSpan.Zero;
        for (var i = 0; i <= 6; i++)
        {
            var delay = backoff.Next();
            Assert.True(delay >= previous, $"attempt {i}: {delay} < {previous}");
            previous = delay;
        }

        Assert.True(previous >= _initial * 32);
    }

    [Fact]
    public void Next_ManyAttempts_NeverExceedCapAndNeverZero()
    {
        var backoff = new Backoff(_initial, _max);
        for (var i = 0; i < 1000; i++)
        {
            var delay = backoff.Next();
            Assert.True(delay <= _max, $"attempt {i}: {delay} exceeds cap {_max}");
            Assert.True(delay >= _initial / 2, $"attempt {i}: {delay} is below half the initial delay");
            Assert.True(delay > TimeSpan.Zero);
        }
    }

    [Fact]
    public void Next_AfterCap_StaysInUpperHalfOfCap()
    {
        var backoff = new Backoff(_initial, _max);
        for (var i = 0; i < 10; i++)
        {
            backoff.Next();
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.InRange(backoff.Next(), _max / 2, _max);
        }
    }

    [Fact]
    public void Next_IsJittered()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        var delays = Enumerable.Range(0, 20).Select(_ => backoff.Next()).ToHashSet();
        Assert.True(delays.Count > 1, "twenty capped delays were all identical; expected jitter");
    }

    [Fact]
    public void Reset_RestartsAtTheInitialDelay()
    {
        var backoff = new Backoff(_initial, _max);
        for (var i = 0; i < 8; i++)
        {
            backoff.Next();
        }

        Assert.True(backoff.Next() > _initial);

        backoff.Reset();

        Assert.InRange(backoff.Next(), _initial / 2, _initial);
        Assert.InRange(backoff.Next(), _initial, _initial * 2);
    }

    [Fact]
    public void Next_InitialAboveMax_IsCapped()
    {
        var backoff = new Backoff(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));
        Assert.InRange(backoff.Next(), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
    }
}
