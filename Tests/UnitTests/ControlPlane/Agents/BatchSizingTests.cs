using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.UnitTests.ControlPlane.Agents;

/// <summary>How the session sizes its batches and its in-flight window from the agent's measured apply rate and the payload bytes.</summary>
public sealed class BatchSizingTests
{
    [Fact]
    public void Before_any_measurement_a_small_first_batch_and_the_full_window()
    {
        Assert.Equal((100, 2000), AgentSession.Sizes(0));
    }

    [Theory]
    [InlineData(8000, 500, 2000)] // a fast directory: the largest batches, the window capped
    [InlineData(1000, 250, 1000)] // a quarter of a second a batch, a second of work in flight
    [InlineData(100, 25, 100)] // Samba-like
    [InlineData(10, 16, 32)] // very slow: the smallest batch, two of them in flight
    public void Batches_hold_a_quarter_second_and_the_window_a_second_of_the_agents_work(double rate, int batch, int window)
    {
        Assert.Equal((batch, window), AgentSession.Sizes(rate));
    }

    [Fact]
    public void A_batch_stops_before_a_megabyte_of_payload_but_always_carries_one_entry()
    {
        var entries = Enumerable.Range(1, 10).Select(i => Entry(i, 300_000)).ToList();
        AgentSession.TrimToBytes(entries);
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Seq));

        var huge = new List<ChangeEntry> { Entry(1, 5_000_000), Entry(2, 10) };
        AgentSession.TrimToBytes(huge);
        Assert.Equal([1L], huge.Select(e => e.Seq));

        var small = Enumerable.Range(1, 500).Select(i => Entry(i, 200)).ToList();
        AgentSession.TrimToBytes(small);
        Assert.Equal(500, small.Count);
    }

    private static ChangeEntry Entry(long seq, int bytes) => new() { DomainId = "d", Seq = seq, Kind = "UserUpsert", Payload = new string('x', bytes) };
}
