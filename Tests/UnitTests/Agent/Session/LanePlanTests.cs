using JumpCloudAdi.Agent.Session;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>How a batch is split into steps and lanes: one key, one lane, in order; an entry without a key alone, between the others.</summary>
public sealed class LanePlanTests
{
    private static string? Key(string entry) => entry.StartsWith('*') ? null : entry.Split('#')[0];

    [Fact]
    public void Entries_with_one_key_share_a_lane_in_batch_order_and_keys_are_spread_over_the_lanes()
    {
        string[] batch = ["ada#1", "bob#1", "cy#1", "ada#2", "dee#1", "bob#2", "ada#3"];

        var steps = LanePlan.Split(batch, Key, lanes: 2);

        var step = Assert.Single(steps);
        Assert.Equal(-1, step.Alone);
        Assert.Equal(2, step.Lanes.Count);
        Assert.Equal(Enumerable.Range(0, batch.Length), step.Lanes.SelectMany(l => l).Order());
        foreach (var lane in step.Lanes)
        {
            Assert.Equal(lane.Order(), lane); // batch order within a lane
        }

        // Every key in exactly one lane: ada's three entries together, bob's two together.
        var laneOfKey = batch.Select((e, i) => (Key: Key(e)!, Lane: step.Lanes.Select((l, n) => (l, n)).Single(x => x.l.Contains(i)).n))
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Select(x => x.Lane).Distinct().ToList());
        Assert.All(laneOfKey.Values, lanes => Assert.Single(lanes));
        // Four keys over two lanes: two each (a new key goes to the emptier lane).
        Assert.Equal([2, 2], laneOfKey.Values.GroupBy(l => l[0]).Select(g => g.Count()).Order());
    }

    [Fact]
    public void An_entry_without_a_key_is_a_step_of_its_own_after_every_earlier_entry_and_before_every_later_one()
    {
        string[] batch = ["ada#1", "bob#1", "*members", "ada#2", "cy#1", "*group", "*members2", "dee#1"];

        var steps = LanePlan.Split(batch, Key, lanes: 3);

        Assert.Equal(6, steps.Count);
        Assert.Equal([0, 1], steps[0].Lanes.SelectMany(l => l).Order());
        Assert.Equal(2, steps[1].Alone);
        Assert.Equal([3, 4], steps[2].Lanes.SelectMany(l => l).Order());
        Assert.Equal(5, steps[3].Alone);
        Assert.Equal(6, steps[4].Alone);
        Assert.Equal(-1, steps[5].Alone);
        Assert.Equal([7], Assert.Single(steps[5].Lanes));
    }

    [Fact]
    public void With_one_lane_every_entry_is_written_alone_in_batch_order()
    {
        string[] batch = ["ada#1", "bob#1", "*members", "ada#2"];

        var steps = LanePlan.Split(batch, _ => throw new InvalidOperationException("no key is asked for with one lane"), lanes: 1);

        Assert.Equal([0, 1, 2, 3], steps.Select(s => s.Alone));
    }
}
