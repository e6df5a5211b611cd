namespace JumpCloudAdi.ControlPlane.Agents;

internal static partial class AgentGatewayLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Agent {AgentId} enrolled in domain {DomainId} from host {Hostname}")]
    public static partial void Enrolled(ILogger logger, string agentId, string domainId, string? hostname);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Agent {AgentId} connected ({Hostname}, {Version})")]
    public static partial void Connected(ILogger logger, string agentId, string? hostname, string? version);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Agent {AgentId} disconnected")]
    public static partial void Disconnected(ILogger logger, string agentId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Agent {AgentId} is primary of domain {DomainId} with epoch {Epoch}")]
    public static partial void LeaseGranted(ILogger logger, string agentId, string domainId, long epoch);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Agent {AgentId} lost the lease of domain {DomainId} (epoch {Epoch})")]
    public static partial void LeaseLost(ILogger logger, string agentId, string domainId, long epoch);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Refused an ack from agent {AgentId} with stale epoch {Epoch}")]
    public static partial void StaleAck(ILogger logger, string agentId, long epoch);

    [LoggerMessage(EventId = 106, Level = LogLevel.Debug, Message = "Sent changes {From}..{To} of domain {DomainId} to agent {AgentId}")]
    public static partial void BatchSent(ILogger logger, long from, long to, string domainId, string agentId);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Agent {AgentId} reported failure for change {Seq}: {Code} {Message}")]
    public static partial void ChangeFailed(ILogger logger, string agentId, long seq, int code, string message);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Session of agent {AgentId} ended with an error")]
    public static partial void SessionError(ILogger logger, Exception exception, string agentId);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning,
        Message = "Refused an ack from agent {AgentId} for epoch {Epoch}: {Reason}; nothing was recorded ({Unlogged} more refused for this reason since the last such message)")]
    public static partial void RefusedAck(ILogger logger, string agentId, long epoch, string reason, int unlogged);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Refused a reconcile request from agent {AgentId}: asked again too soon (retry in {RetryAfterSeconds} s)")]
    public static partial void ReconcileThrottled(ILogger logger, string agentId, long retryAfterSeconds);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Refused an enrollment: the agent's public key is unusable ({Problem})")]
    public static partial void BadPublicKey(ILogger logger, string problem);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Recording the outcomes agent {AgentId} acknowledged failed; its cursor has moved, the statuses of those objects are not updated")]
    public static partial void OutcomesNotRecorded(ILogger logger, Exception exception, string agentId);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "The reconcile of domain {DomainId} for its new primary {AgentId} failed; the session goes on streaming")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string domainId, string agentId);

    [LoggerMessage(EventId = 114, Level = LogLevel.Information,
        Message = "Domain {DomainId} was never synced: its new primary {AgentId} is sent its change log from the first entry ({Entries} entries), which holds every bound object as it is now; no reconcile snapshot on top")]
    public static partial void FirstSyncWithoutReconcile(ILogger logger, string domainId, string agentId, long entries);

    [LoggerMessage(EventId = 115, Level = LogLevel.Information, Message = "Compiled the agent sessions' database statements ahead of the first agent in {Milliseconds} ms")]
    public static partial void WarmedUp(ILogger logger, long milliseconds);

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "Compiling the agent sessions' database statements ahead failed; each is compiled when first needed")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);
}
