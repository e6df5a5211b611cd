using System.Collections.Concurrent;
using Grpc.Core;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// An agent that speaks the gateway protocol by hand over real gRPC/TLS: it enrolls with a connect key, opens its
/// session and keeps everything the control plane sends; what it sends is up to the test (a well-behaved primary, or a
/// forger).
/// </summary>
public sealed class RawAgent : IAsyncDisposable
{
    private readonly GatewayClient _client;
    private readonly ConcurrentQueue<ControlMessage> _received = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private AsyncDuplexStreamingCall<AgentMessage, ControlMessage>? _call;
    private Task _reader = Task.CompletedTask;

    private RawAgent(GatewayClient client, string id, string credential)
    {
        _client = client;
        Id = id;
        Credential = credential;
    }

    public string Id { get; }

    public string Credential { get; }

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<ControlMessage> Received => [.. _received];

    /// <summary>Every change received so far, in order (resends included).</summary>
    public IReadOnlyList<Change> Changes => [.. _received.Where(m => m.BodyCase == ControlMessage.BodyOneofCase.Batch).SelectMany(m => m.Batch.Changes)];

    /// <summary>Completes when the control plane ended the session (or the call failed).</summary>
    public Task Ended => _reader;

    /// <summary>Enrolls with <paramref name="connectKey"/> and a fresh P-256 key unless <paramref name="publicKey"/> is given.</summary>
    public static async Task<RawAgent> EnrollAsync(GatewayClient client, string connectKey, string hostname, byte[]? publicKey = null)
    {
        var response = await client.EnrollAsync(new EnrollRequest
        {
            ConnectKey = connectKey,
            Hostname = hostname,
            HostType = "MEMBER_SERVER",
            Version = "raw-test",
            PublicKey = Google.Protobuf.ByteString.CopyFrom(publicKey ?? SecretSealing.CreateKeyPair().PublicKey),
        });
        return new RawAgent(client, response.AgentId, response.Credential);
    }

    /// <summary>Opens the session and says hello as <paramref name="hostname"/>.</summary>
    public async Task ConnectAsync(string hostname)
    {
        _call = _client.Connect(Id, Credential, _stop.Token);
        _reader = Task.Run(async () =>
        {
            try
            {
                while (await _call.ResponseStream.MoveNext(_stop.Token))
                {
                    _received.Enqueue(_call.ResponseStream.Current);
                }
            }
            catch (RpcException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        });
        await HelloAsync(hostname);
    }

    public Task HelloAsync(string hostname) =>
        SendAsync(new AgentMessage { Hello = new Hello { Hostname = hostname, HostType = "MEMBER_SERVER", Version = "raw-test" } });

    public async Task SendAsync(AgentMessage message)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _call!.RequestStream.WriteAsync(message);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task AckAsync(long epoch, IEnumerable<EntryResult> results)
    {
        var ack = new Ack { Epoch = epoch };
        ack.Results.AddRange(results);
        return SendAsync(new AgentMessage { Ack = ack });
    }

    /// <summary>The epoch of the latest lease granted to this session, or 0.</summary>
    public long GrantedEpoch => Received.LastOrDefault(m => m.BodyCase == ControlMessage.BodyOneofCase.Lease)?.Lease is { Granted: true } l ? l.Epoch : 0;

    public async Task<long> WaitForLeaseAsync(TimeSpan timeout)
    {
        await Processes.WaitUntilAsync(() => Task.FromResult(GrantedEpoch != 0), timeout, $"agent {Id} granted the lease");
        return GrantedEpoch;
    }

    public async ValueTask DisposeAsync()
    {
        if (_call is not null)
        {
            try
            {
                await _call.RequestStream.CompleteAsync();
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
            {
            }
        }

        await _stop.CancelAsync();
        await _reader;
        _call?.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
