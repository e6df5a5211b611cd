using JumpCloudAdi.Protocol;

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
}
