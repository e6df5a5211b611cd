using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Enrolled as agent {AgentId} of domain {Domain}")]
    public static partial void Enrolled(ILogger logger, string agentId, string domain);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connected to {Url}; directory {LdapUrl} ({Flavor})")]
    public static partial void Connected(ILogger logger, string url, string ldapUrl, string flavor);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Session ended: {Reason}; reconnecting in {DelayMs} ms")]
    public static partial void Reconnecting(ILogger logger, string reason, long delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Primary for the domain with epoch {Epoch}")]
    public static partial void Primary(ILogger logger, long epoch);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Lease lost (epoch {Epoch}); not applying changes")]
    public static partial void LeaseLost(ILogger logger, long epoch);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Applied changes {From}..{To}: {Applied} applied, {Skipped} skipped, {Failed} failed")]
    public static partial void BatchApplied(ILogger logger, long from, long to, int applied, int skipped, int failed);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Change {Seq} failed: LDAP {Code} {Message}")]
    public static partial void ChangeFailed(ILogger logger, long seq, int code, string message);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void Warning(ILogger logger, string warning);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Directory unavailable ({Reason}); will retry the batch")]
    public static partial void DirectoryUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Batch of epoch {Epoch} dropped: this agent does not hold that lease")]
    public static partial void BatchFenced(ILogger logger, long epoch);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Change {Seq} written in trace {TraceId} (span {SpanId}, parent {ParentSpanId})")]
    public static partial void ChangeTraced(ILogger logger, long seq, string traceId, string spanId, string parentSpanId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Reconcile: {Checked} entries checked, {Repaired} repaired")]
    public static partial void Reconciled(ILogger logger, int @checked, int repaired);
}
