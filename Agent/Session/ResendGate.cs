using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// After the agent stopped a batch (its lease ran out mid-batch) it asked the control plane to send again from a
/// sequence number. Batches of that epoch already on their way start later: they are dropped, since the resend brings
/// those entries again, in order. The first batch that starts where the agent asked lifts the gate, as does a new epoch.
/// </summary>
internal sealed class ResendGate
{
    private long _from;
    private long _epoch;

    /// <summary>The sequence number asked for again, 0 when none.</summary>
    public long AwaitingFrom => Volatile.Read(ref _from);

    public void Ask(long epoch, long fromSeq)
    {
        Volatile.Write(ref _epoch, epoch);
        Volatile.Write(ref _from, fromSeq);
    }

    /// <summary>A new epoch starts from the acknowledged cursor: an older request no longer applies.</summary>
    public void Clear() => Volatile.Write(ref _from, 0);

    /// <summary>Whether <paramref name="batch"/> is one sent before the control plane saw the request (then it is dropped); otherwise the gate opens.</summary>
    public bool Drops(ChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var awaiting = AwaitingFrom;
        if (awaiting != 0 && batch.Epoch == Volatile.Read(ref _epoch) && batch.Changes.Count > 0 && batch.Changes[0].Seq != awaiting)
        {
            return true;
        }

        Clear();
        return false;
    }
}
