using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Reflection;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Sync;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Changes;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// The agent's life: check the directory (refusing to run when a start-up check fails), enroll once with the connect
/// key, then keep one session to the control plane, reconnecting with backoff. Batches are applied only while the
/// lease is valid by the agent's own monotonic clock.
/// </summary>
public sealed class SyncAgent(string configPath, AgentSettings settings, ILogger logger, IServiceNotifier? notifier = null)
{
    private const double LeaseSafetyFactor = 0.75;

    public static string Version { get; } =
        typeof(SyncAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _epoch;
    private long _awaitingResendFrom;
    private long _awaitingResendEpoch;
    private long _leaseValidUntil;
    private int _heartbeatMillis = 1000;
    private readonly AgentStatus _status = new();
    private readonly ProgressMeter _progress = new();

    // The agent's own counters since it started, sent with every heartbeat. Guarded by _statsLock.
    private readonly Lock _statsLock = new();
    private readonly AgentStats _stats = new();

    public async Task RunAsync(CancellationToken ct)
    {
        if (AgentTracing.Listen(Environment.GetEnvironmentVariable(AgentTracing.OtlpEndpointVariable)) is { } tracingProblem)
        {
            AgentLog.Warning(logger, tracingProblem);
        }
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var ldap = OpenDirectory(out var rootDse, out var encrypted);
                if (string.IsNullOrEmpty(settings.AgentCredential))
                {
                    await EnrollAsync(ct);
                }

                var writer = DirectoryWriter.Create(ldap, rootDse, settings, encrypted, new PasswordOpener(settings.AgentId!, settings.AgentPrivateKey));
                await SessionAsync(writer, backoff, ct);
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
                var delay = backoff.Next();
                CountError(ex is LdapException ldapError ? ldapError.ErrorCode : ex is DirectoryOperationException { Response: { } r } ? (int)r.ResultCode : null, Describe(ex));
                UpdateStatus("reconnecting", Describe(ex));
                AgentLog.Reconnecting(logger, Describe(ex), (long)delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    /// <summary>
    /// Connects to the directory and runs the start-up checks. What a person must fix throws
    /// <see cref="DirectoryCheckException"/>; a directory that is merely down throws <see cref="LdapException"/>.
    /// </summary>
    private LdapConnection OpenDirectory(out RootDse rootDse, out bool encrypted)
    {
        var connector = new LdapConnector(settings, StateDirectory(configPath));
        var ldap = connector.Connect();
        try
        {
            if (connector.LastWarning is { } warning)
            {
                AgentLog.Warning(logger, warning);
                _status.Warning = warning;
            }
            else
            {
                _status.Warning = null;
            }

            rootDse = RootDse.Read(ldap);
            StartupChecks.Verify(ldap, rootDse, settings);
            encrypted = connector.Encrypted;
            notifier?.Ready();
            return ldap;
        }
        catch
        {
            ldap.Dispose();
            throw;
        }
    }

    private async Task EnrollAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(settings.ConnectKey))
        {
            throw new EnrollmentException("this agent has neither a credential nor a connect key; run 'install' with --connect-key");
        }

        using var channel = ControlPlaneChannel.Create(settings);
        var client = new AgentGateway.AgentGatewayClient(channel);
        // A fresh key pair per enrollment: the control plane seals passwords to the public half, the private half
        // never leaves this machine (it is kept encrypted in the settings file).
        var (publicKey, privateKey) = SecretSealing.CreateKeyPair();
        EnrollResponse response;
        try
        {
            response = await client.EnrollAsync(new EnrollRequest
            {
                ConnectKey = settings.ConnectKey,
                Hostname = Environment.MachineName,
                HostType = HostType(),
                Version = Version,
                AgentType = AgentProtocol.SyncAgent,
                PublicKey = ByteString.CopyFrom(publicKey),
            }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.FailedPrecondition or StatusCode.DeadlineExceeded or StatusCode.InvalidArgument
                                      && !string.IsNullOrEmpty(ex.Status.Detail) && ex.Status.Detail.Contains("connect key", StringComparison.Ordinal))
        {
            throw new EnrollmentException(ex.Status.Detail);
        }

        settings.AgentId = response.AgentId;
        settings.AgentCredential = response.Credential;
        settings.DomainId = response.DomainId;
        settings.Domain = response.Domain;
        settings.AgentPrivateKey = Convert.ToBase64String(privateKey);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
        settings.ConnectKey = null;
        SettingsStore.Save(configPath, settings);
        AgentLog.Enrolled(logger, response.AgentId, response.Domain);
    }

    private async Task SessionAsync(DirectoryWriter writer, Backoff backoff, CancellationToken ct)
    {
        using var channel = ControlPlaneChannel.Create(settings);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var headers = new Metadata
        {
            { AgentProtocol.AgentIdHeader, settings.AgentId! },
            { AgentProtocol.AgentCredentialHeader, settings.AgentCredential! },
        };
        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = client.Connect(headers, cancellationToken: sessionCts.Token);
        var hello = new Hello { Hostname = Environment.MachineName, HostType = HostType(), Version = Version };
        hello.Settings.Add(settings.Describe());
        await SendAsync(call, new AgentMessage { Hello = hello }, sessionCts.Token);
        AgentLog.Connected(logger, settings.ControlPlaneUrl, settings.LdapUrl, writer.Flavor.ToString());
        Volatile.Write(ref _epoch, 0);
        UpdateStatus("connected (standby)", null);

        // Leases are handled as they arrive, even while a long batch is being written: renewals keep it valid.
        var batches = Channel.CreateUnbounded<ChangeBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var heartbeats = HeartbeatAsync(call, sessionCts.Token);
        var applier = ApplyLoopAsync(call, writer, batches.Reader, sessionCts);
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(sessionCts.Token))
            {
                backoff.Reset();
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
        catch (OperationCanceledException) when (applier.IsFaulted)
        {
            // The applier stopped the session (the directory went away): surface its reason.
            await applier;
            throw;
        }
        finally
        {
            Volatile.Write(ref _epoch, 0);
            batches.Writer.TryComplete();
            await sessionCts.CancelAsync();
            try
            {
                await Task.WhenAll(heartbeats, applier);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException or IOException
                                       or LdapException or DirectoryOperationException)
            {
            }
        }
    }

    /// <summary>Applies batches in order; a transient directory failure ends the session so the batch is resent.</summary>
    private async Task ApplyLoopAsync(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, DirectoryWriter writer,
        ChannelReader<ChangeBatch> batches, CancellationTokenSource session)
    {
        try
        {
            await foreach (var batch in batches.ReadAllAsync(session.Token))
            {
                if (batch.Changes.Count == 0)
                {
                    continue;
                }

                var awaiting = Volatile.Read(ref _awaitingResendFrom);
                if (awaiting != 0 && batch.Epoch == Volatile.Read(ref _awaitingResendEpoch) && batch.Changes[0].Seq != awaiting)
                {
                    // Sent before the control plane saw our request to resend: the resend will bring these again.
                    continue;
                }

                Volatile.Write(ref _awaitingResendFrom, 0);
                await ApplyBatchAsync(call, writer, batch, session.Token);
            }
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException or IOException)
        {
            await session.CancelAsync();
            throw;
        }
    }

    private void OnLease(Lease lease)
    {
        if (lease.HeartbeatMillis > 0)
        {
            _heartbeatMillis = lease.HeartbeatMillis;
        }

        if (lease.Granted)
        {
            var wasPrimary = Volatile.Read(ref _epoch) == lease.Epoch;
            if (!wasPrimary)
            {
                // A new epoch starts from the acknowledged cursor; an older resend request no longer applies.
                Volatile.Write(ref _awaitingResendFrom, 0);
            }

            Volatile.Write(ref _leaseValidUntil, Stopwatch.GetTimestamp() + (long)(lease.LeaseMillis * LeaseSafetyFactor * Stopwatch.Frequency / 1000));
            Volatile.Write(ref _epoch, lease.Epoch);
            if (!wasPrimary)
            {
                AgentLog.Primary(logger, lease.Epoch);
                UpdateStatus("connected (primary)", null);
            }
        }
        else
        {
            Volatile.Write(ref _epoch, 0);
            AgentLog.LeaseLost(logger, lease.Epoch);
            UpdateStatus("connected (standby)", null);
        }
    }

    private bool HoldsLease(long epoch) =>
        epoch != 0 && Volatile.Read(ref _epoch) == epoch && Stopwatch.GetTimestamp() < Volatile.Read(ref _leaseValidUntil);

    private async Task ApplyBatchAsync(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, DirectoryWriter writer, ChangeBatch batch, CancellationToken ct)
    {
        var ack = new Ack { Epoch = batch.Epoch };
        int applied = 0, skipped = 0, failed = 0, repaired = 0;
        var verdicts = new Dictionary<string, string>(StringComparer.Ordinal); // user id -> its reconcile message in this batch
        _progress.Starting(batch.Changes[0].Seq, batch.Changes[^1].Seq, batch.LastSeq, DateTimeOffset.UtcNow);
        writer.LookAhead(batch.Changes);
        try
        {
            foreach (var change in batch.Changes)
            {
                // Fencing: stop before a write the lease no longer covers; the next primary starts from the cursor.
                if (!HoldsLease(batch.Epoch))
                {
                    AgentLog.BatchFenced(logger, batch.Epoch);
                    ack.ResendFrom = change.Seq;
                    Volatile.Write(ref _awaitingResendEpoch, batch.Epoch);
                    Volatile.Write(ref _awaitingResendFrom, change.Seq);
                    break;
                }

                using var span = AgentTracing.StartWrite(change.Traceparent, change.Seq, change.KindCase.ToString());
                var result = change.Reconcile ? Reconcile(writer, change, ref repaired, verdicts) : ApplyOne(writer, change);
                if (span is not null)
                {
                    span.SetTag("jcadi.outcome", result.Outcome.ToString());
                    AgentLog.ChangeTraced(logger, change.Seq, span.TraceId.ToString(), span.SpanId.ToString(), span.ParentSpanId.ToString());
                }

                ack.Results.Add(new EntryResult
                {
                    Traceparent = span?.Id ?? "",
                    Seq = change.Seq,
                    Outcome = result.Outcome,
                    Code = result.Code,
                    Message = result.Message,
                    ObjectId = ObjectIdOf(change),
                    Anchor = result.Anchor,
                });
                switch (result.Outcome)
                {
                    case Outcome.Applied: applied++; break;
                    case Outcome.Skipped: skipped++; break;
                    default:
                        failed++;
                        AgentLog.ChangeFailed(logger, change.Seq, result.Code, result.Message);
                        CountError(result.Code, $"change {change.Seq}: LDAP {result.Code} {result.Message}");
                        break;
                }
            }
        }
        finally
        {
            writer.ForgetLookAhead();
        }

        lock (_statsLock)
        {
            _stats.Applied += applied;
            _stats.Skipped += skipped;
            _stats.Failed += failed;
        }

        if (ack.Results.Count > 0 || ack.ResendFrom != 0)
        {
            await SendAsync(call, new AgentMessage { Ack = ack }, ct);
        }

        if (ack.Results.Count > 0)
        {
            AgentLog.BatchApplied(logger, ack.Results[0].Seq, ack.Results[^1].Seq, applied, skipped, failed);
            _status.LastBatch = $"changes {ack.Results[0].Seq}..{ack.Results[^1].Seq}: {applied} applied, {skipped} skipped, {failed} failed";
            var reconciled = batch.Changes.Count(c => c.Reconcile);
            if (reconciled > 0)
            {
                AgentLog.Reconciled(logger, reconciled, repaired);
                _status.LastReconcile = $"{reconciled} entries checked, {repaired} repaired (changes {batch.Changes.First(c => c.Reconcile).Seq}..{batch.Changes.Last(c => c.Reconcile).Seq})";
                _status.LastReconcileAt = DateTimeOffset.UtcNow;
            }

            _status.LastBatchAt = DateTimeOffset.UtcNow;
            _progress.Applied(ack.Results[^1].Seq, _status.LastBatchAt.Value);
            _progress.Fill(_status);
            UpdateStatus(_status.State, null);
        }
    }

    /// <summary>
    /// Applies a reconcile entry and says whether the object was in sync or what was repaired. A user's password set
    /// follows its upsert and reports together with it (the user's status is the later entry's): an account that has a
    /// password keeps it and the upsert's verdict stands; one that had none (recreated) gets it, and the verdict says so.
    /// </summary>
    private static ApplyResult Reconcile(DirectoryWriter writer, Change change, ref int repaired, Dictionary<string, string> reconciled)
    {
        if (change.KindCase == Change.KindOneofCase.PasswordSet)
        {
            var set = ApplyOne(writer, change);
            if (set.Outcome != Outcome.Applied)
            {
                return set;
            }

            var verdict = reconciled.GetValueOrDefault(change.PasswordSet.UserId, InSync);
            if (!change.PasswordSet.OnlyIfUnset)
            {
                // reconcile --passwords: written whether or not the account had one (a rebuilt DC).
                return set with { Message = verdict + "; password re-sent" };
            }

            if (set.Message == DirectoryWriter.PasswordKeptNote)
            {
                return set with { Message = verdict };
            }

            if (verdict == InSync)
            {
                repaired++;
                verdict = "reconcile: repaired";
            }

            return set with { Message = verdict + "; password set (the account had none)" };
        }

        var before = writer.Fingerprint(change);
        var result = ApplyOne(writer, change);
        if (result.Outcome != Outcome.Applied)
        {
            return result;
        }

        var after = writer.Fingerprint(change);
        string message;
        if (string.Equals(before, after, StringComparison.Ordinal))
        {
            message = InSync;
        }
        else
        {
            repaired++;
            message = before is null ? "reconcile: repaired (was missing, recreated)" : "reconcile: repaired (drift corrected)";
        }

        if (change.KindCase == Change.KindOneofCase.UserUpsert)
        {
            reconciled[change.UserUpsert.UserId] = message;
        }

        return result with { Message = message };
    }

    private const string InSync = "reconcile: in sync";

    /// <summary>
    /// Permanent refusals are results; a directory that is down or busy throws so the batch is retried from the
    /// cursor after reconnecting (nothing is acknowledged that was not applied).
    /// </summary>
    internal static ApplyResult ApplyOne(DirectoryWriter writer, Change change)
    {
        try
        {
            return writer.Apply(change);
        }
        catch (DirectoryOperationException ex) when (ex.Response is { } r && r.ResultCode is not (ResultCode.Busy or ResultCode.Unavailable))
        {
            var message = string.IsNullOrEmpty(r.ErrorMessage) ? ex.Message : r.ErrorMessage;
            return ApplyResult.Failed((int)r.ResultCode, message.Trim('\0', ' '));
        }
    }

    private async Task HeartbeatAsync(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_heartbeatMillis, ct);
            AgentStats stats;
            lock (_statsLock)
            {
                stats = _stats.Clone();
            }

            await SendAsync(call, new AgentMessage { Heartbeat = new Heartbeat { Epoch = Volatile.Read(ref _epoch), Stats = stats } }, ct);
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

    /// <summary>Counts a failure (by LDAP result code when there is one) and keeps its text as the last error.</summary>
    private void CountError(int? ldapCode, string text)
    {
        lock (_statsLock)
        {
            if (ldapCode is { } code)
            {
                _stats.LdapErrors[code] = _stats.LdapErrors.GetValueOrDefault(code) + 1;
            }

            _stats.LastError = text.Length <= 1024 ? text : text[..1024];
            _stats.LastErrorUnixMillis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }
    }

    private void UpdateStatus(string state, string? error)
    {
        _status.State = state;
        _status.Pid = Environment.ProcessId;
        notifier?.Status(error is null ? state : $"{state}: {error}");
        _status.Epoch = Volatile.Read(ref _epoch);
        _status.UpdatedAt = DateTimeOffset.UtcNow;
        _status.LastError = error ?? _status.LastError;
        try
        {
            _status.Write(configPath);
        }
        catch (IOException)
        {
            // Status is informational; never let it stop syncing.
        }
    }

    private static string ObjectIdOf(Change change) => change.KindCase switch
    {
        Change.KindOneofCase.UserUpsert => change.UserUpsert.UserId,
        Change.KindOneofCase.UserDisconnect => change.UserDisconnect.UserId,
        Change.KindOneofCase.PasswordSet => change.PasswordSet.UserId,
        Change.KindOneofCase.GroupUpsert => change.GroupUpsert.GroupId,
        Change.KindOneofCase.GroupDisconnect => change.GroupDisconnect.GroupId,
        Change.KindOneofCase.MembershipSet => change.MembershipSet.GroupId,
        _ => "",
    };

    private string HostType() => settings.ServerType == "dc" ? AgentProtocol.DomainController : AgentProtocol.MemberServer;

    public static string StateDirectory(string configPath) => Path.GetFullPath(configPath) + ".d";

    private static string Describe(Exception ex) => ex switch
    {
        RpcException rpc => $"control plane: {rpc.StatusCode} {rpc.Status.Detail}",
        LdapException ldap => $"directory: LDAP {ldap.ErrorCode} {ldap.Message} {ldap.ServerErrorMessage}".TrimEnd(),
        DirectoryOperationException dir => $"directory: {dir.Response?.ResultCode} {dir.Message}",
        _ => ex.Message,
    };
}
