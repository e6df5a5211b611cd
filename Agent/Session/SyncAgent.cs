using System.Reflection;
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
/// key, then keep one session to the control plane (<see cref="ControlPlaneSession"/>), reconnecting with backoff
/// (<see cref="ReconnectLoop"/>). Batches are applied (<see cref="BatchApplier"/>) only while the lease is valid by the
/// agent's own monotonic clock (<see cref="LeaseClock"/>).
/// </summary>
public sealed class SyncAgent
{
    public static string Version { get; } =
        typeof(SyncAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly string _configPath;
    private readonly AgentSettings _settings;
    private readonly ILogger _logger;
    private readonly IServiceNotifier? _notifier;
    private readonly TimeProvider _time;
    private readonly LeaseClock _lease;
    private readonly ResendGate _resend = new();
    private readonly StatusReporter _status;
    private readonly Action? _caughtUp;

    /// <param name="caughtUp">Called when the agent has applied everything the control plane had (see <see cref="ControlPlaneSession"/>).</param>
    public SyncAgent(string configPath, AgentSettings settings, ILogger logger, IServiceNotifier? notifier = null, TimeProvider? time = null,
        Action? caughtUp = null)
    {
        _caughtUp = caughtUp;
        _configPath = configPath;
        _settings = settings;
        _logger = logger;
        _notifier = notifier;
        _time = time ?? TimeProvider.System;
        _lease = new LeaseClock(_time);
        _status = new StatusReporter(configPath, _lease, _time, notifier);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        ReserveBlockingThreads(SideBySide);
        if (AgentTracing.Listen(Environment.GetEnvironmentVariable(AgentTracing.OtlpEndpointVariable)) is { } tracingProblem)
        {
            AgentLog.Warning(_logger, tracingProblem);
        }

        var loop = new ReconnectLoop(_time, _status, _logger);
        await loop.RunAsync(async token =>
        {
            using var directory = OpenDirectory();
            if (string.IsNullOrEmpty(_settings.AgentCredential))
            {
                await EnrollAsync(token);
            }

            var writer = DirectoryWriter.Create(directory.Connection, directory.RootDse, _settings, directory.Encrypted,
                new PasswordOpener(_settings.AgentId!, _settings.AgentPrivateKey));
            using var lanes = OpenLanes(writer);
            using var channel = ControlPlaneChannel.Create(_settings);
            var client = new AgentGateway.AgentGatewayClient(channel);
            var headers = new Metadata
            {
                { AgentProtocol.AgentIdHeader, _settings.AgentId! },
                { AgentProtocol.AgentCredentialHeader, _settings.AgentCredential! },
            };
            var hello = new Hello { Hostname = Environment.MachineName, HostType = HostType(), Version = Version };
            hello.Settings.Add(_settings.Describe());
            var applier = new BatchApplier(writer, _lease, _resend, _status, _logger, lanes.Writers);
            var session = new ControlPlaneSession(_lease, _resend, applier, _status, _time, _logger, _caughtUp);
            await session.RunAsync(t => client.Connect(headers, cancellationToken: t), hello,
                () => AgentLog.Connected(_logger, _settings.ControlPlaneUrl, _settings.LdapUrl, writer.Flavor.ToString()),
                loop.Backoff.Reset, token);
        }, ct);
    }

    /// <summary>
    /// Connects to the directory and runs the start-up checks. What a person must fix throws
    /// <see cref="DirectoryCheckException"/>; a directory that is merely down throws an LDAP exception.
    /// </summary>
    private OpenDirectoryConnection OpenDirectory()
    {
        var connector = new LdapConnector(_settings, StateDirectory(_configPath));
        var ldap = connector.Connect();
        try
        {
            if (connector.LastWarning is { } warning)
            {
                AgentLog.Warning(_logger, warning);
            }

            _status.Warn(connector.LastWarning);
            var rootDse = RootDse.Read(ldap);
            StartupChecks.Verify(ldap, rootDse, _settings);
            _notifier?.Ready();
            return new OpenDirectoryConnection(ldap, rootDse, connector.Encrypted);
        }
        catch
        {
            ldap.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connections beside the first one on which entries are written side by side (<see cref="SideBySide"/> writes in
    /// flight in all), where the directory allows it (OpenLDAP); none otherwise.
    /// </summary>
    private Lanes OpenLanes(DirectoryWriter writer)
    {
        var lanes = new Lanes();
        try
        {
            for (var i = 1; writer.WritesSideBySide && i < SideBySide; i++)
            {
                var connection = new LdapConnector(_settings, StateDirectory(_configPath)).Connect();
                lanes.Connections.Add(connection);
                lanes.Writers.Add(writer.Lane(connection));
            }

            return lanes;
        }
        catch
        {
            lanes.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A batch is written with blocking LDAP calls on thread-pool threads: the apply loop's and one per lane beside it.
    /// The pool starts with one thread per core and, once all are blocked, adds about one every half second; on a
    /// two-core host the two writers would leave the gRPC stream's reads and the acks waiting that long. The pool keeps
    /// <paramref name="blocking"/> more threads ready (created only when needed).
    /// </summary>
    internal static void ReserveBlockingThreads(int blocking)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = Environment.ProcessorCount + blocking;
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }

    /// <summary>How many writes are in flight at most (one per connection).</summary>
    internal const int SideBySide = 2;

    private sealed class Lanes : IDisposable
    {
        public List<System.DirectoryServices.Protocols.LdapConnection> Connections { get; } = [];
        public List<IChangeWriter> Writers { get; } = [];

        public void Dispose() => Connections.ForEach(c => c.Dispose());
    }

    private sealed record OpenDirectoryConnection(System.DirectoryServices.Protocols.LdapConnection Connection, RootDse RootDse, bool Encrypted) : IDisposable
    {
        public void Dispose() => Connection.Dispose();
    }

    private async Task EnrollAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(_settings.ConnectKey))
        {
            throw new EnrollmentException("this agent has neither a credential nor a connect key; run 'install' with --connect-key");
        }

        using var channel = ControlPlaneChannel.Create(_settings);
        var client = new AgentGateway.AgentGatewayClient(channel);
        // A fresh key pair per enrollment: the control plane seals passwords to the public half, the private half
        // never leaves this machine (it is kept encrypted in the settings file).
        var (publicKey, privateKey) = SecretSealing.CreateKeyPair();
        EnrollResponse response;
        try
        {
            response = await client.EnrollAsync(new EnrollRequest
            {
                ConnectKey = _settings.ConnectKey,
                Hostname = Environment.MachineName,
                HostType = HostType(),
                Version = Version,
                AgentType = Shared.Vocabulary.AgentType.Sync.ToWire(),
                PublicKey = ByteString.CopyFrom(publicKey),
            }, deadline: _time.GetUtcNow().UtcDateTime.AddSeconds(30), cancellationToken: ct);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.FailedPrecondition or StatusCode.DeadlineExceeded or StatusCode.InvalidArgument
                                      && !string.IsNullOrEmpty(ex.Status.Detail) && ex.Status.Detail.Contains("connect key", StringComparison.Ordinal))
        {
            throw new EnrollmentException(ex.Status.Detail);
        }

        _settings.AgentId = response.AgentId;
        _settings.AgentCredential = response.Credential;
        _settings.DomainId = response.DomainId;
        _settings.Domain = response.Domain;
        _settings.AgentPrivateKey = Convert.ToBase64String(privateKey);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
        _settings.ConnectKey = null;
        SettingsStore.Save(_configPath, _settings);
        AgentLog.Enrolled(_logger, response.AgentId, response.Domain);
    }

    private string HostType() => _settings.ServerType == "dc" ? AgentProtocol.DomainController : AgentProtocol.MemberServer;

    public static string StateDirectory(string configPath) => Path.GetFullPath(configPath) + ".d";
}
