namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// How a batch is written: steps one after the other, each either one entry written alone or lanes written side by
/// side. Entries with the same key go to the same lane, in batch order; an entry without a key is a step of its own,
/// so it starts only once every earlier entry is written and every later one waits for it. Keys are given to the lane
/// with the fewest entries so far in that step.
/// </summary>
internal static class LanePlan
{
    /// <summary>One step: <see cref="Alone"/> is the position of an entry written alone, else <see cref="Lanes"/> hold positions, each lane in order.</summary>
    internal sealed record Step(int Alone, IReadOnlyList<IReadOnlyList<int>> Lanes);

    public static List<Step> Split<T>(IReadOnlyList<T> entries, Func<T, string?> keyOf, int lanes)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(keyOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        var steps = new List<Step>();
        List<int>[]? open = null;
        var laneOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var key = lanes == 1 ? null : keyOf(entries[i]);
            if (key is null)
            {
                Close();
                steps.Add(new Step(i, []));
                continue;
            }

            if (open is null)
            {
                open = new List<int>[lanes];
                for (var l = 0; l < lanes; l++)
                {
                    open[l] = [];
                }
            }

            if (!laneOf.TryGetValue(key, out var lane))
            {
                lane = 0;
                for (var l = 1; l < lanes; l++)
                {
                    if (open[l].Count < open[lane].Count)
                    {
                        lane = l;
                    }
                }

                laneOf[key] = lane;
            }

            open[lane].Add(i);
        }

        Close();
        return steps;

        void Close()
        {
            if (open is not null)
            {
                steps.Add(new Step(-1, [.. open.Where(l => l.Count > 0)]));
                open = null;
                laneOf.Clear();
            }
        }
    }
}
