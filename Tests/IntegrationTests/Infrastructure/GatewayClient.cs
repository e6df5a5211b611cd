using Grpc.Core;
using Grpc.Net.Client;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A bare gRPC client of the agent gateway for protocol-level tests, over real HTTP/2 + TLS with the control plane's
/// CA. The control plane compiles the contract as a server only, so the methods are described here by name.
/// </summary>
public sealed class GatewayClient : IDisposable
{
    private const string Service = "jumpcloudadi.agents.v1.AgentGateway";

    private static readonly Method<EnrollRequest, EnrollResponse> _enroll = new(MethodType.Unary, Service, "Enroll",
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), EnrollRequest.Parser.ParseFrom),
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), EnrollResponse.Parser.ParseFrom));

    private static readonly Method<AgentMessage, ControlMessage> _connect = new(MethodType.DuplexStreaming, Service, "Connect",
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), AgentMessage.Parser.ParseFrom),
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ControlMessage.Parser.ParseFrom));

    private static readonly Method<ReconcileRequest, ReconcileResponse> _reconcile = new(MethodType.Unary, Service, "RequestReconcile",
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ReconcileRequest.Parser.ParseFrom),
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ReconcileResponse.Parser.ParseFrom));

    private static readonly Method<ImportReport, ImportSummary> _reportImport = new(MethodType.Unary, Service, "ReportImport",
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ImportReport.Parser.ParseFrom),
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ImportSummary.Parser.ParseFrom));

    private readonly GrpcChannel _channel;

    public GatewayClient(ControlPlaneHost controlPlane)
        : this(controlPlane.Url, controlPlane.Certificates.CaPath)
    {
    }

    public GatewayClient(Uri url, string caPath)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = CaTrust.Validator(caPath);
        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler });
    }

    public Task<EnrollResponse> EnrollAsync(EnrollRequest request) =>
        _channel.CreateCallInvoker().AsyncUnaryCall(_enroll, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), request).ResponseAsync;

    /// <summary>Opens an agent session authenticated with the agent's id and credential.</summary>
    public AsyncDuplexStreamingCall<AgentMessage, ControlMessage> Connect(string agentId, string credential, CancellationToken ct = default)
    {
        var headers = new Metadata { { "x-agent-id", agentId }, { "x-agent-credential", credential } };
        return _channel.CreateCallInvoker().AsyncDuplexStreamingCall(_connect, null, new CallOptions(headers, cancellationToken: ct));
    }

    /// <summary>Asks for a reconcile of the agent's domain, as the agent's <c>reconcile</c> command does.</summary>
    public Task<ReconcileResponse> RequestReconcileAsync(string agentId, string credential)
    {
        var headers = new Metadata { { "x-agent-id", agentId }, { "x-agent-credential", credential } };
        return _channel.CreateCallInvoker().AsyncUnaryCall(_reconcile, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), new ReconcileRequest()).ResponseAsync;
    }

    /// <summary>Sends an import report as an IMPORT agent's <c>import</c> command does.</summary>
    public Task<ImportSummary> ReportImportAsync(string agentId, string credential, ImportReport report)
    {
        var headers = new Metadata { { "x-agent-id", agentId }, { "x-agent-credential", credential } };
        return _channel.CreateCallInvoker().AsyncUnaryCall(_reportImport, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(60)), report).ResponseAsync;
    }

    public void Dispose() => _channel.Dispose();
}
