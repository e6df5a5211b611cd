using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A hostile or crippled LDAP server on 127.0.0.1 that speaks just enough LDAP to get an agent to authenticate: it
/// answers anonymous binds, either refuses StartTLS or accepts it and presents a certificate from a CA the agent does
/// not trust, serves LDAPS with that certificate on a second port, and records every byte that reaches it unencrypted.
/// The tests check that the service account's password never is among them.
/// </summary>
public sealed class FakeLdapServer : IDirectoryServer, IAsyncDisposable
{
    private readonly TcpListener _plain = new(IPAddress.Loopback, 0);
    private readonly TcpListener _ldaps = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _untrusted;
    private readonly MemoryStream _cleartext = new();
    private readonly List<string> _simpleBinds = [];
    private readonly Task _accepting;

    public enum StartTlsMode
    {
        /// <summary>StartTLS answers protocolError: the server offers no TLS on its plain port.</summary>
        Refused,

        /// <summary>StartTLS succeeds, then the server presents a certificate the agent must reject.</summary>
        UntrustedCertificate,
    }

    public FakeLdapServer(string directory, StartTlsMode mode)
    {
        Mode = mode;
        var untrusted = TestCertificates.Create(Path.Combine(directory, "fake"), "fake");
        using var pem = X509Certificate2.CreateFromPemFile(untrusted.CertPath, untrusted.KeyPath);
        _untrusted = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        CaPath = TestCertificates.Create(Path.Combine(directory, "trusted"), "trusted").CaPath;
        _plain.Start();
        _ldaps.Start();
        _accepting = Task.WhenAll(AcceptAsync(_plain, ldaps: false), AcceptAsync(_ldaps, ldaps: true));
    }

    public StartTlsMode Mode { get; }
    public int Port => ((IPEndPoint)_plain.LocalEndpoint).Port;
    public int SecurePort => ((IPEndPoint)_ldaps.LocalEndpoint).Port;
    public string LdapUrl => $"ldap://127.0.0.1:{Port}";
    public string LdapsUrl => $"ldaps://127.0.0.1:{SecurePort}";
    public string CaPath { get; }
    public string RootUserDn => "OU=People;DC=example;DC=com";
    public string SyncGroupDn => "CN=JumpCloud Groups;OU=Groups;DC=example;DC=com";
    public string BindUser => "cn=jcsync,dc=example,dc=com";
    public string BindPassword { get; } = "Fake!Service!" + Guid.NewGuid().ToString("N");

    /// <summary>How many connections reached the server (on either port).</summary>
    public int Connections { get; private set; }

    /// <summary>Everything that reached the server unencrypted, as Latin-1 text (so any byte sequence survives).</summary>
    public string Cleartext
    {
        get
        {
            lock (_cleartext)
            {
                return Encoding.Latin1.GetString(_cleartext.ToArray());
            }
        }
    }

    /// <summary>The DNs of simple binds with a non-empty password that arrived unencrypted.</summary>
    public IReadOnlyList<string> ClearSimpleBinds
    {
        get
        {
            lock (_simpleBinds)
            {
                return [.. _simpleBinds];
            }
        }
    }

    public Task<List<LdapEntry>> SearchAsync(string baseDn, string filter, params string[] attributes) =>
        throw new NotSupportedException("the fake LDAP server holds no entries");

    public Task<bool> CanBindAsync(string who, string password) =>
        throw new NotSupportedException("the fake LDAP server holds no entries");

    private async Task AcceptAsync(TcpListener listener, bool ldaps)
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                Connections++;
                connections.Add(ServeAsync(client, ldaps));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client, bool ldaps)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            if (ldaps)
            {
                await HandshakeAsync(stream);
                return;
            }

            while (await ReadMessageAsync(stream) is { } message)
            {
                Record(message);
                var (id, op) = Parse(message);
                switch (op)
                {
                    case BindRequest bind:
                        if (bind.Sasl)
                        {
                            await stream.WriteAsync(Response(id, 1, LdapResult.AuthMethodNotSupported, "no SASL here"), _stop.Token);
                        }
                        else if (bind.Password.Length == 0)
                        {
                            await stream.WriteAsync(Response(id, 1, LdapResult.Success, ""), _stop.Token);
                        }
                        else
                        {
                            lock (_simpleBinds)
                            {
                                _simpleBinds.Add(bind.Name);
                            }

                            await stream.WriteAsync(Response(id, 1, LdapResult.InvalidCredentials, ""), _stop.Token);
                        }

                        break;
                    case StartTlsRequest when Mode == StartTlsMode.Refused:
                        await stream.WriteAsync(Response(id, 24, LdapResult.ProtocolError, "TLS not configured"), _stop.Token);
                        break;
                    case StartTlsRequest:
                        await stream.WriteAsync(Response(id, 24, LdapResult.Success, ""), _stop.Token);
                        await HandshakeAsync(stream);
                        return;
                    case Unbind:
                        return;
                    default:
                        await stream.WriteAsync(Response(id, 1, LdapResult.ProtocolError, "unexpected request"), _stop.Token);
                        return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or AsnContentException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    /// <summary>Presents the untrusted certificate; a client that accepted it would send its bind encrypted, never seen here.</summary>
    private async Task HandshakeAsync(NetworkStream stream)
    {
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _untrusted }, _stop.Token);
        var buffer = new byte[4096];
        while (await ssl.ReadAsync(buffer, _stop.Token) > 0)
        {
        }
    }

    private void Record(byte[] message)
    {
        lock (_cleartext)
        {
            _cleartext.Write(message);
        }
    }

    private sealed record BindRequest(string Name, byte[] Password, bool Sasl);

    private sealed record StartTlsRequest;

    private sealed record Unbind;

    private sealed record Other;

    private static (int Id, object Op) Parse(byte[] message)
    {
        var reader = new AsnReader(message, AsnEncodingRules.BER).ReadSequence();
        var id = (int)reader.ReadInteger();
        var tag = reader.PeekTag();
        if (tag.TagClass != TagClass.Application)
        {
            return (id, new Other());
        }

        switch (tag.TagValue)
        {
            case 0:
            {
                var bind = reader.ReadSequence(new Asn1Tag(TagClass.Application, 0, isConstructed: true));
                bind.ReadInteger();
                var name = Encoding.UTF8.GetString(bind.ReadOctetString());
                var auth = bind.PeekTag();
                if (auth.TagClass == TagClass.ContextSpecific && auth.TagValue == 0)
                {
                    return (id, new BindRequest(name, bind.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)), Sasl: false));
                }

                return (id, new BindRequest(name, [], Sasl: true));
            }

            case 2:
                return (id, new Unbind());
            case 23:
                return (id, new StartTlsRequest());
            default:
                return (id, new Other());
        }
    }

    /// <summary>An LDAPResult-shaped response (BindResponse = application 1, ExtendedResponse = application 24).</summary>
    private static byte[] Response(int id, int application, LdapResult resultCode, string diagnostic)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(id);
            using (writer.PushSequence(new Asn1Tag(TagClass.Application, application, isConstructed: true)))
            {
                writer.WriteEnumeratedValue(resultCode);
                writer.WriteOctetString([]);
                writer.WriteOctetString(Encoding.UTF8.GetBytes(diagnostic));
            }
        }

        return writer.Encode();
    }

    private enum LdapResult
    {
        Success = 0,
        ProtocolError = 2,
        AuthMethodNotSupported = 7,
        InvalidCredentials = 49,
    }

    private async Task<byte[]?> ReadMessageAsync(NetworkStream stream)
    {
        var header = new byte[2];
        if (!await ReadExactlyAsync(stream, header))
        {
            return null;
        }

        byte[] lengthBytes = [];
        int length;
        if ((header[1] & 0x80) == 0)
        {
            length = header[1];
        }
        else
        {
            lengthBytes = new byte[header[1] & 0x7f];
            if (lengthBytes.Length is 0 or > 3 || !await ReadExactlyAsync(stream, lengthBytes))
            {
                return null;
            }

            length = lengthBytes.Aggregate(0, (acc, b) => (acc << 8) | b);
        }

        var body = new byte[length];
        return await ReadExactlyAsync(stream, body) ? [.. header, .. lengthBytes, .. body] : null;
    }

    private async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _plain.Stop();
        _ldaps.Stop();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        _untrusted.Dispose();
        _stop.Dispose();
    }
}
