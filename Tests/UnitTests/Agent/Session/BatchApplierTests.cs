using JumpCloudAdi.Agent.Session;
using JumpCloudAdi.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace JumpCloudAdi.UnitTests.Agent.Session;

/// <summary>
/// Fencing and resend: nothing is written once the lease is in doubt, the ack asks for the rest again, and batches
/// already on their way are dropped until the resend arrives.
/// </summary>
public sealed class BatchApplierTests : IDisposable
{
    private readonly SessionParts _parts = new();

    public void Dispose() => _parts.Dispose();

    [Fact]
    public void While_the_lease_holds_every_entry_is_applied_and_acknowledged_with_its_object()
    {
        _parts.Lease.Apply(SessionParts.Grant(5));

        var ack = _parts.Applier.Apply(SessionParts.Batch(5, 1, 2, 3));

        Assert.NotNull(ack);
        Assert.Equal([1L, 2L, 3L], _parts.Writer.Applied);
        Assert.Equal(5, ack.Epoch);
        Assert.Equal(0, ack.ResendFrom);
        Assert.Equal(["u1", "u2", "u3"], ack.Results.Select(r => r.ObjectId));
        Assert.Equal(["anchor-1", "anchor-2", "anchor-3"], ack.Results.Select(r => r.Anchor));
        Assert.All(ack.Results, r => Assert.Equal(Outcome.Applied, r.Outcome));
        Assert.Equal(3, _parts.Status.Stats().Applied);
    }

    [Fact]
    public void A_lease_that_ran_out_before_the_batch_writes_nothing_and_asks_for_all_of_it_again()
    {
        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 1000));
        _parts.Time.Advance(TimeSpan.FromMilliseconds(800)); // past the agent's 750 ms share, before the control plane's 1000

        var ack = _parts.Applier.Apply(SessionParts.Batch(5, 1, 2, 3));

        Assert.Empty(_parts.Writer.Applied);
        Assert.NotNull(ack);
        Assert.Empty(ack.Results);
        Assert.Equal(1, ack.ResendFrom);
    }

    [Fact]
    public void A_lease_that_runs_out_mid_batch_stops_before_the_next_write()
    {
        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 1000));
        // Writing entry 2 is slow: the lease is in doubt by the time entry 3 would be written.
        _parts.Writer.OnApply = change =>
        {
            if (change.Seq == 2)
            {
                _parts.Time.Advance(TimeSpan.FromMilliseconds(800));
            }
        };

        var ack = _parts.Applier.Apply(SessionParts.Batch(5, 1, 2, 3, 4));

        Assert.Equal([1L, 2L], _parts.Writer.Applied);
        Assert.NotNull(ack);
        Assert.Equal([1L, 2L], ack.Results.Select(r => r.Seq));
        Assert.Equal(3, ack.ResendFrom);
    }

    [Fact]
    public void A_batch_of_another_epoch_or_after_the_lease_was_lost_writes_nothing()
    {
        _parts.Lease.Apply(SessionParts.Grant(5));
        Assert.Equal(1, _parts.Applier.Apply(SessionParts.Batch(4, 1, 2))!.ResendFrom);

        _parts.Lease.Apply(new Lease { Granted = false, Epoch = 5 });
        Assert.Equal(1, _parts.Applier.Apply(SessionParts.Batch(5, 1, 2))!.ResendFrom);

        Assert.Empty(_parts.Writer.Applied);
    }

    [Fact]
    public void After_a_fenced_batch_later_batches_of_that_epoch_are_dropped_until_the_resend_arrives()
    {
        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 1000));
        _parts.Time.Advance(TimeSpan.FromMilliseconds(800));
        Assert.Equal(10, _parts.Applier.Apply(SessionParts.Batch(5, 10, 11))!.ResendFrom);

        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 1000)); // renewed: the same epoch is held again
        // Sent before the control plane read the request: dropped, nothing acknowledged, nothing written.
        Assert.Null(_parts.Applier.Apply(SessionParts.Batch(5, 12, 13)));
        Assert.Empty(_parts.Writer.Applied);

        var resent = _parts.Applier.Apply(SessionParts.Batch(5, 10, 11, 12, 13));

        Assert.Equal([10L, 11L, 12L, 13L], _parts.Writer.Applied);
        Assert.Equal([10L, 11L, 12L, 13L], resent!.Results.Select(r => r.Seq));
        // The gate is open again: the next batch follows on.
        Assert.NotNull(_parts.Applier.Apply(SessionParts.Batch(5, 14)));
        Assert.Equal(14, _parts.Writer.Applied[^1]);
    }

    [Fact]
    public void An_empty_batch_sends_no_ack()
    {
        _parts.Lease.Apply(SessionParts.Grant(5));

        Assert.Null(_parts.Applier.Apply(new ChangeBatch { Epoch = 5 }));
    }

    // ---- lanes: entries written side by side ------------------------------------------------------------------

    /// <summary>The applier with one lane beside the writer; user upserts are keyed by username, anything else is written alone.</summary>
    private BatchApplier WithLane()
    {
        _parts.Writer.KeyOf = c => c.KindCase == Change.KindOneofCase.UserUpsert ? c.UserUpsert.Username : null;
        return new BatchApplier(_parts.Writer, _parts.Lease, _parts.Resend, _parts.Status, NullLogger.Instance, [_parts.Writer.Lane(1)]);
    }

    private static ChangeBatch Users(long epoch, params (long Seq, string User)[] entries)
    {
        var batch = new ChangeBatch { Epoch = epoch };
        foreach (var (seq, user) in entries)
        {
            batch.Changes.Add(user.StartsWith('*')
                ? new Change { Seq = seq, MembershipSet = new MembershipSet { GroupId = "g", GroupName = user } }
                : new Change { Seq = seq, UserUpsert = new UserUpsert { UserId = $"id-{user}", Username = user } });
        }

        return batch;
    }

    [Fact]
    public void Two_lanes_write_at_once_each_user_in_order_an_entry_without_a_key_after_all_earlier_ones_and_the_ack_in_sequence_order()
    {
        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 60_000));
        var applier = WithLane();
        // ada's and bob's first entries meet: both lanes are writing at the same moment (or the test fails, it does not hang).
        using var both = new Barrier(2);
        var atMembership = new List<long>();
        _parts.Writer.OnApply = change =>
        {
            if (change.Seq is 1 or 2)
            {
                Assert.True(both.SignalAndWait(TimeSpan.FromSeconds(30)), "the two lanes never wrote at the same time");
            }

            if (change.KindCase == Change.KindOneofCase.MembershipSet)
            {
                lock (_parts.Writer.Applied)
                {
                    atMembership.AddRange(_parts.Writer.Applied);
                }
            }
        };

        var ack = applier.Apply(Users(5, (1, "ada"), (2, "bob"), (3, "ada"), (4, "cy"), (5, "bob"), (6, "*team"), (7, "ada"), (8, "dee")));

        Assert.NotNull(ack);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L], ack.Results.Select(r => r.Seq));
        Assert.Equal(0, ack.ResendFrom);
        Assert.Equal(["id-ada", "id-bob", "id-ada", "id-cy", "id-bob", "g", "id-ada", "id-dee"], ack.Results.Select(r => r.ObjectId));
        // The membership started once every earlier entry was written, and before any later one.
        Assert.Equal([1L, 2L, 3L, 4L, 5L], atMembership.Order());
        var writes = _parts.Writer.Writes;
        Assert.Equal([0, 1], writes.Select(w => w.Lane).Distinct().Order());
        // Each user's entries in sequence order, each user in one lane.
        foreach (var user in new[] { new long[] { 1, 3, 7 }, [2, 5] })
        {
            var mine = writes.Where(w => user.Contains(w.Seq)).ToList();
            Assert.Equal(user, mine.Select(w => w.Seq));
            Assert.Single(mine.Select(w => w.Lane).Distinct());
        }
    }

    [Fact]
    public void A_lease_in_doubt_stops_every_lane_and_the_ack_ends_at_the_first_entry_not_written()
    {
        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 1000));
        var applier = WithLane();
        // Lanes: ada (1, 3, 5) beside bob (2, 4, 6). Bob's lane writes 2 and 4 while ada's first write is slow; during 4
        // the lease runs out. Neither lane starts another write; 4 was written but follows the unwritten 3: not acknowledged.
        using var fourWritten = new ManualResetEventSlim();
        _parts.Writer.OnApply = change =>
        {
            switch (change.Seq)
            {
                case 1:
                    Assert.True(fourWritten.Wait(TimeSpan.FromSeconds(30)), "bob's lane did not get to entry 4");
                    break;
                case 4:
                    _parts.Time.Advance(TimeSpan.FromMilliseconds(800)); // past the agent's 750 ms share
                    fourWritten.Set();
                    break;
            }
        };

        var ack = applier.Apply(Users(5, (1, "ada"), (2, "bob"), (3, "ada"), (4, "bob"), (5, "ada"), (6, "bob")));

        Assert.Equal([1L, 2L, 4L], _parts.Writer.Applied.Order());
        Assert.NotNull(ack);
        Assert.Equal([1L, 2L], ack.Results.Select(r => r.Seq));
        Assert.Equal(3, ack.ResendFrom);
        // Later batches of the epoch wait for the resend, as after any fenced batch.
        Assert.Null(applier.Apply(Users(5, (7, "cy"))));
    }

    [Fact]
    public void A_directory_failure_in_one_lane_ends_the_batch_without_an_ack_once_the_other_lane_stopped()
    {
        _parts.Lease.Apply(SessionParts.Grant(5, leaseMillis: 60_000));
        var applier = WithLane();
        using var adaWriting = new ManualResetEventSlim();
        using var failed = new ManualResetEventSlim();
        _parts.Writer.OnApply = change =>
        {
            switch (change.Seq)
            {
                case 1:
                    adaWriting.Set();
                    Assert.True(failed.Wait(TimeSpan.FromSeconds(30)), "bob's lane did not fail");
                    break;
                case 2:
                    // Fails while ada's lane is inside a write (else that lane could see the failure before it starts one).
                    Assert.True(adaWriting.Wait(TimeSpan.FromSeconds(30)), "ada's lane did not start writing");
                    failed.Set();
                    throw new System.DirectoryServices.Protocols.LdapException(81, "the server is unavailable");
            }
        };

        Assert.Throws<System.DirectoryServices.Protocols.LdapException>(() =>
            applier.Apply(Users(5, (1, "ada"), (2, "bob"), (3, "ada"), (4, "bob"), (5, "ada"))));

        // Bob's lane stopped at its failure; ada's lane stops at its next entry once it sees it (it may have started one or
        // two more before that: they are not acknowledged, and written again harmlessly). Every write that started has
        // finished before the batch ended: nothing is left writing behind the session.
        Assert.Contains(1L, _parts.Writer.Applied);
        Assert.DoesNotContain(2L, _parts.Writer.Applied);
        Assert.DoesNotContain(4L, _parts.Writer.Applied);
        Assert.Equal(_parts.Writer.Writes.Count - 1, _parts.Writer.Applied.Count);
    }
}
