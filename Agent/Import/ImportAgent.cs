using System.DirectoryServices.Protocols;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Agent.Session;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Changes;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.Agent.Import;

/// <summary>
/// The IMPORT agent: checks the directory and its read-only account (refusing to run when a check fails), enrolls
/// once as an IMPORT agent, keeps a session to the control plane open (hello and heartbeats, so it shows as connected),
/// and every <see cref="AgentSettings.PollSeconds"/> reads the ADI group's members and reports them with
/// <c>ReportImport</c>: everything the first time, then only what changed. It never writes to the directory.
/// </summary>
public sealed class ImportAgent(string configPath, AgentSettings settings, ILogger logger, IServiceNotifier? notifier = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    /// <summary>A full pass every this many polls even when nothing seems to change (about an hour at 90 s).</summary>
    private const int FullPassEvery = 40;

    private static readonly TimeSpan _heartbeat = TimeSpan.FromSeconds(1);
    private readonly ImportDelta _delta = new();
    private readonly AgentStatus _status = new();

    /// <summary><c>import --once</c>: one full pass, its summary written to <paramref name="output"/>.</summary>
    public async Task<ImportSummary> RunOnceAsync(TextWriter output, CancellationToken ct)
    {
        using var ldap = OpenDirectory(out var rootDse);
        if (string.IsNullOrEmpty(settings.AgentCredential))
        {
            await EnrollAsync(ct);
        }

        using var channel = ControlPlaneChannel.Create(settings);
        var snapshot = new ImportReader(ldap, rootDse, settings).Read();
        var (report, _, _) = _delta.Build(snapshot);
        report.Once = true;
        var summary = await SendAsync(new AgentGateway.AgentGatewayClient(channel), WithOptions(report), ct);
        Imported(Describe(summary, report));
        Report("finished (import --once)", pid: 0);
        await output.WriteLineAsync(Describe(summary, report));
        foreach (var skip in summary.Skipped)
        {
            await output.WriteLineAsync($"  skipped {skip.Username} ({skip.Dn}): {skip.Reason}");
        }

        return summary;
    }

    /// <summary><c>run</c>: poll until stopped.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        var polls = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var ldap = OpenDirectory(out var rootDse);
                if (string.IsNullOrEmpty(settings.AgentCredential))
                {
                    await EnrollAsync(ct);
                }

                using var channel = ControlPlaneChannel.Create(settings);
                var client = new AgentGateway.AgentGatewayClient(channel);
                using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var connection = SessionAsync(client, session.Token);
                AgentLog.Connected(logger, settings.ControlPlaneUrl, settings.LdapUrl, rootDse.Flavor.ToString());
                Report("connected (import agent)");
                try
                {
                    while (!ct.IsCancellationRequested && !connection.IsCompleted)
                    {
                        if (polls++ % FullPassEvery == 0)
                        {
                            _delta.Reset();
                        }

                        var snapshot = new ImportReader(ldap, rootDse, settings).Read();
                        var (report, users, groups) = _delta.Build(snapshot);
                        if (!ImportDelta.IsEmpty(report))
                        {
                            var summary = await SendAsync(client, WithOptions(report), ct);
                            _delta.Accepted(users, groups);
                            ImportLog.Reported(logger, Describe(summary, report));
                            Imported(Describe(summary, report));
                        }
                        else
                        {
                            _delta.Accepted(users, groups);
                        }

                        _status.LastPollAt = _time.GetUtcNow();
                        Report("connected (import agent)");

                        backoff.Reset();
                        await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(settings.PollSeconds), _time, ct), connection);
                    }

                    if (connection.IsCompleted)
                    {
                        await connection; // surfaces why the session ended
                    }
                }
                finally
                {
                    await session.CancelAsync();
                    try
                    {
                        await connection;
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException)
                    {
                    }
                }
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
                // A report that did not arrive may or may not have been applied: the next one is a full pass.
                _delta.Reset();
                var delay = backoff.Next();
                var why = ex is RpcException rpc ? $"control plane: {rpc.StatusCode} {rpc.Status.Detail}" : ex.Message;
                AgentLog.Reconnecting(logger, why, (long)delay.TotalMilliseconds);
                Report("reconnecting", why);
                await Task.Delay(delay, _time, ct);
            }
        }
    }

    private void Imported(string summary)
    {
        _status.LastImport = summary;
        _status.LastImportAt = _time.GetUtcNow();
        _status.LastPollAt = _status.LastImportAt;
    }

    /// <summary>Writes the status file <c>status</c> reads (informational: a failure to write never stops importing).</summary>
    private void Report(string state, string? error = null, int? pid = null)
    {
        _status.State = state;
        _status.Pid = pid ?? Environment.ProcessId;
        _status.UpdatedAt = _time.GetUtcNow();
        _status.LastError = error ?? _status.LastError;
        try
        {
            _status.Write(configPath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<ImportSummary> SendAsync(AgentGateway.AgentGatewayClient client, ImportReport report, CancellationToken ct) =>
        await client.ReportImportAsync(report, Headers(), deadline: _time.GetUtcNow().UtcDateTime.AddMinutes(10), cancellationToken: ct);

    /// <summary>The session that shows the agent as connected: hello, then a heartbeat every second until cancelled.</summary>
    private async Task SessionAsync(AgentGateway.AgentGatewayClient client, CancellationToken ct)
    {
        using var call = client.Connect(Headers(), cancellationToken: ct);
        var hello = new Hello { Hostname = Environment.MachineName, HostType = HostType(), Version = SyncAgent.Version };
        hello.Settings.Add(settings.Describe());
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello }, ct);
        notifier?.Status("connected (import agent)");
        var reading = Task.Run(async () =>
        {
            // An IMPORT agent is never sent leases or batches; reading tells when the control plane ends the session.
            await foreach (var _ in call.ResponseStream.ReadAllAsync(ct))
            {
            }
        }, ct);
        while (!ct.IsCancellationRequested && !reading.IsCompleted)
        {
            await Task.WhenAny(Task.Delay(_heartbeat, _time, ct), reading);
            if (!reading.IsCompleted)
            {
                await call.RequestStream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat() }, ct);
            }
        }

        await reading;
        throw new IOException("the control plane closed the session");
    }

    private Metadata Headers() => new()
    {
        { AgentProtocol.AgentIdHeader, settings.AgentId! },
        { AgentProtocol.AgentCredentialHeader, settings.AgentCredential! },
    };

    private LdapConnection OpenDirectory(out RootDse rootDse)
    {
        var connector = new LdapConnector(settings, SyncAgent.StateDirectory(configPath));
        var ldap = connector.Connect();
        try
        {
            if (connector.LastWarning is { } warning)
            {
                AgentLog.Warning(logger, warning);
            }

            rootDse = RootDse.Read(ldap);
            ImportChecks.Verify(ldap, rootDse, settings);
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
        // An import agent opens no passwords, but enrollment takes a key pair like any agent's.
        var (publicKey, privateKey) = SecretSealing.CreateKeyPair();
        EnrollResponse response;
        try
        {
            response = await client.EnrollAsync(new EnrollRequest
            {
                ConnectKey = settings.ConnectKey,
                Hostname = Environment.MachineName,
                HostType = HostType(),
                Version = SyncAgent.Version,
                AgentType = Shared.Vocabulary.AgentType.Import.ToWire(),
                PublicKey = ByteString.CopyFrom(publicKey),
            }, deadline: _time.GetUtcNow().UtcDateTime.AddSeconds(30), cancellationToken: ct);
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

    private string HostType() => settings.ServerType == "dc" ? AgentProtocol.DomainController : AgentProtocol.MemberServer;

    /// <summary>Adds the installer's import settings, which the control plane applies.</summary>
    private ImportReport WithOptions(ImportReport report)
    {
        report.ImportGroupDn = settings.ImportGroupDn ?? "";
        report.Options = new ImportOptions
        {
            UserFieldMapping = settings.UserFieldMapping,
            SyncAdditionalAttributes = settings.SyncAdditionalAttributes,
            UserTakeoverAction = settings.UserTakeoverAction,
            UserDissociationAction = settings.UserDissociationAction,
        };
        return report;
    }

    internal static string Describe(ImportSummary s, ImportReport report) => string.Create(CultureInfo.InvariantCulture,
        $"import run {s.RunId} ({(report.Full ? "full pass" : "changes only")}, {report.Users.Count} users and {report.Groups.Count} groups sent): {s.Created} created, {s.Updated} updated, {s.TakenOver} taken over, {s.Unchanged} unchanged, {s.Dissociated} dissociated, {s.Skipped.Count} skipped; groups: {s.GroupsCreated} created, {s.GroupsUpdated} updated, {s.GroupsRemoved} removed");
}

internal static partial class ImportLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "{Summary}")]
    public static partial void Reported(ILogger logger, string summary);
}
