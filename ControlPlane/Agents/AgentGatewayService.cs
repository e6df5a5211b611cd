using Grpc.Core;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Changes;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Agents;

/// <summary>The gRPC gateway agents talk to: enrollment with a connect key, then one long-lived session each.</summary>
public sealed class AgentGatewayService(
    IServiceProvider services,
    IDbContextFactory<ControlPlaneDb> dbFactory,
    AgentEvents events,
    ReconcileThrottle throttle,
    IOptions<AgentsOptions> options,
    ILogger<AgentGatewayService> logger) : AgentGateway.AgentGatewayBase
{
    public override async Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.ConnectKey))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A connect key is required."));
        }

        var publicKey = request.PublicKey.IsEmpty ? null : request.PublicKey.ToByteArray();
        if (publicKey is not null && SecretSealing.PublicKeyProblem(publicKey) is { } problem)
        {
            // Refused before the connect key is touched: the agent can enroll again with a proper key.
            AgentGatewayLog.BadPublicKey(logger, problem);
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"The agent's public key must be a P-256 (secp256r1) SubjectPublicKeyInfo; {problem}."));
        }

        await using var scope = services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<ConnectKeyService>();
        var (failure, agent, credential) = await keys.EnrollAsync(
            request.ConnectKey.Trim(), request.Hostname, request.HostType, request.Version, publicKey, context.CancellationToken);
        switch (failure)
        {
            case EnrollFailure.UnknownKey:
                throw new RpcException(new Status(StatusCode.Unauthenticated,
                    "The connect key is not known to this control plane; create a new one for the domain and install again."));
            case EnrollFailure.UsedKey:
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    "The connect key has already been used; connect keys are single-use, create a new one for this agent."));
            case EnrollFailure.ExpiredKey:
                throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                    $"The connect key has expired (keys are valid for {services.GetRequiredService<IOptions<ConnectKeysOptions>>().Value.LifetimeDays} days, ConnectKeys:LifetimeDays); create a new one for the domain."));
        }

        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        var domain = await db.Domains.AsNoTracking().SingleAsync(d => d.Id == agent!.DomainId, context.CancellationToken);
        AgentGatewayLog.Enrolled(logger, agent!.Id, domain.Id, request.Hostname);
        events.AgentChanged(domain.Id, agent.Id);
        return new EnrollResponse { AgentId = agent.Id, Credential = credential, DomainId = domain.Id, Domain = domain.Domain };
    }

    public override async Task<ReconcileResponse> RequestReconcile(ReconcileRequest request, ServerCallContext context)
    {
        var agent = await AuthenticateAsync(context);
        if (agent.AgentType != AgentType.Sync)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Only SYNC agents can ask for a reconcile; this is an IMPORT agent."));
        }

        if (!throttle.TryAcquire(agent.Id, out var retryAfter))
        {
            AgentGatewayLog.ReconcileThrottled(logger, agent.Id, (long)Math.Ceiling(retryAfter.TotalSeconds));
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"This agent asked for a reconcile less than {options.Value.ReconcileIntervalSeconds} s ago; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s."));
        }

        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<Commands.Domains.ReconcileDomainCommand>().ExecuteAsync(agent.DomainId, context.CancellationToken, request.Passwords);
        var range = result.Value ?? throw new RpcException(new Status(StatusCode.NotFound, "The agent's domain no longer exists."));
        return new ReconcileResponse { FromSeq = range.FromSeq, ToSeq = range.ToSeq, Objects = range.Objects };
    }

    public override async Task<ImportSummary> ReportImport(ImportReport request, ServerCallContext context)
    {
        var agent = await AuthenticateAsync(context);
        if (agent.AgentType != AgentType.Import)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Only IMPORT agents report imports; this is a SYNC agent."));
        }

        await using var scope = services.CreateAsyncScope();
        return await Import.ImportReports.AcceptAsync(scope.ServiceProvider, agent, request, context.CancellationToken);
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        var agent = await AuthenticateAsync(context);
        var session = ActivatorUtilities.CreateInstance<AgentSession>(services, agent, requestStream, responseStream, context);
        await session.RunAsync();
    }

    private async Task<AgentRecord> AuthenticateAsync(ServerCallContext context)
    {
        var agentId = context.RequestHeaders.GetValue(AgentProtocol.AgentIdHeader);
        var credential = context.RequestHeaders.GetValue(AgentProtocol.AgentCredentialHeader);
        if (string.IsNullOrEmpty(agentId) || string.IsNullOrEmpty(credential))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Agent id and credential headers are required."));
        }

        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var agent = await SessionQueries.AgentAsync(db, agentId, context.CancellationToken);
        if (agent?.CredentialHash is null || !SecretHash.Matches(credential, agent.CredentialHash))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                "This agent is not (or no longer) registered with the control plane; it may have been deleted. Install it again with a new connect key."));
        }

        return agent;
    }
}
