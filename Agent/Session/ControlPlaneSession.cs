using System.DirectoryServices.Protocols;
using System.Threading.Channels;
using Grpc.Core;
using JumpCloudAdi.Protocol;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// One session on the control plane's stream: says hello, sends heartbeats at the interval the leases ask for, follows
/// leases as they arrive (even while a long batch is being written: renewals keep it valid) and applies batches in
/// order on their own task, sending each ack. Ends by throwing when the stream or the directory goes away.
/// </summary>
/// <param name="caughtUp">
/// Called (on the applying task, after the ack is sent) when a batch was written whole up to the domain's last
/// sequence number as it was when the batch was sent, and no other batch is waiting: the agent has caught up.
/// </param>
internal sealed class ControlPlaneSession(LeaseClock lease, ResendGate resend, BatchApplier applier, StatusReporter status, TimeProvider time, ILogger logger,
    Action? caughtUp = null)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <param name="connect">Opens the stream; the token given ends it.</param>
    /// <param name="hello">The first message.</param>
    /// <param name="connected">Called once the hello is sent.</param>
    /// <param name="received">Called for every message from the control plane (the link works: backoff starts over).</param>
    public async Task RunAsync(Func<CancellationToken, AsyncDuplexStreamingCall<AgentMessage, ControlMessage>> connect, Hello hello,
        Action connected, Action received, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connect);
        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = connect(sessionCts.Token);
        await SendAsync(call, new AgentMessage { Hello = hello }, sessionCts.Token);
        connected();
        lease.Drop();
        status.Report("connected (standby)");

        var batches = Channel.CreateUnbounded<ChangeBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var heartbeats = HeartbeatAsync(call, sessionCts.Token);
        var applying = ApplyLoopAsync(call, batches.Reader, sessionCts);
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(sessionCts.Token))
            {
                received();
                switch (message.BodyCase)
                {
                    case ControlMessage.BodyOneofCase.Lease:
                        OnLease(message.Lease);
                        break;
                    case ControlMessage.BodyOneofCase.Batch:
                        batches.Writer.TryWrite(message.Batch);
                        break;
                }
            }

            throw new IOException("the control plane closed the session");
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }
                                   && sessionCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The applier stopped the session (the directory went away): surface its reason.
            await applying;
            throw;
        }
        finally
        {
            lease.Drop();
            batches.Writer.TryComplete();
            await sessionCts.CancelAsync();
            try
            {
                await Task.WhenAll(heartbeats, applying);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException or IOException
                                       or LdapException or DirectoryOperationException)
            {
            }
        }
    }

    private void OnLease(Lease message)
    {
        switch (lease.Apply(message))
        {
            case LeaseTransition.BecamePrimary:
                // A new epoch starts from the acknowledged cursor; an older resend request no longer applies.
                resend.Clear();
                AgentLog.Primary(logger, message.Epoch);
                status.Report("connected (primary)");
                break;
            case LeaseTransition.Lost:
                AgentLog.LeaseLost(logger, message.Epoch);
                status.Report("connected (standby)");
                break;
        }
    }

    /// <summary>Applies batches in order; a transient directory failure ends the session so the batch is resent.</summary>
    private async Task ApplyLoopAsync(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, ChannelReader<ChangeBatch> batches,
        CancellationTokenSource session)
    {
        try
        {
            await foreach (var batch in batches.ReadAllAsync(session.Token))
            {
                if (applier.Apply(batch) is { } ack)
                {
                    await SendAsync(call, new AgentMessage { Ack = ack }, session.Token);
                    if (caughtUp is not null && CaughtUp(batch, ack) && !batches.TryPeek(out _))
                    {
                        caughtUp();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException or IOException)
        {
            await session.CancelAsync();
            throw;
        }
    }

    /// <summary>Whether <paramref name="ack"/> covers all of <paramref name="batch"/> and the batch reached the domain's last sequence number.</summary>
    internal static bool CaughtUp(ChangeBatch batch, Ack ack) =>
        ack.ResendFrom == 0 && batch.Changes.Count > 0 && ack.Results.Count == batch.Changes.Count && batch.Changes[^1].Seq >= batch.LastSeq;

    private async Task HeartbeatAsync(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(lease.HeartbeatInterval, time, ct);
            await SendAsync(call, new AgentMessage { Heartbeat = new Heartbeat { Epoch = lease.Epoch, Stats = status.Stats() } }, ct);
        }
    }

    private async Task SendAsync(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, AgentMessage message, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await call.RequestStream.WriteAsync(message, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
