using System.DirectoryServices.Protocols;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// Runs the agent's attempts (open the directory, connect, hold a session) again and again until stopped, waiting a
/// capped, jittered, growing delay by <see cref="TimeProvider"/> after each failure that may pass (the control plane
/// or the directory down, the link lost). A refusal by the control plane ends the loop as an
/// <see cref="EnrollmentException"/>; anything else (a failed start-up check, a bug) ends it as it is.
/// </summary>
internal sealed class ReconnectLoop(TimeProvider time, StatusReporter status, ILogger logger, Backoff? backoff = null)
{
    public Backoff Backoff { get; } = backoff ?? new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

    /// <param name="attempt">One attempt; it calls <c>Backoff.Reset</c> once the link works.</param>
    public async Task RunAsync(Func<CancellationToken, Task> attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await attempt(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                throw new EnrollmentException(ex.Status.Detail);
            }
            catch (Exception ex) when (ex is RpcException or LdapException or DirectoryOperationException or IOException or HttpRequestException)
            {
                var delay = Backoff.Next();
                status.CountError(ex is LdapException ldapError ? ldapError.ErrorCode : ex is DirectoryOperationException { Response: { } r } ? (int)r.ResultCode : null, Describe(ex));
                status.Report("reconnecting", Describe(ex));
                AgentLog.Reconnecting(logger, Describe(ex), (long)delay.TotalMilliseconds);
                await Task.Delay(delay, time, ct);
            }
        }
    }

    internal static string Describe(Exception ex) => ex switch
    {
        RpcException rpc => $"control plane: {rpc.StatusCode} {rpc.Status.Detail}",
        LdapException ldap => $"directory: LDAP {ldap.ErrorCode} {ldap.Message} {ldap.ServerErrorMessage}".TrimEnd(),
        DirectoryOperationException dir => $"directory: {dir.Response?.ResultCode} {dir.Message}",
        _ => ex.Message,
    };
}
