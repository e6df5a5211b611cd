using System.Formats.Asn1;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Tells apart "the directory is down" from "its certificate does not validate" when libldap only says LDAP 81:
/// connects itself (LDAPS, or StartTLS on a plain port) and validates the certificate as the agent is configured to.
/// </summary>
internal static class TlsProbe
{
    public enum Verdict
    {
        /// <summary>No TCP connection, or the server hung up before TLS: a transient fault.</summary>
        Unreachable,

        /// <summary>The server speaks TLS, but its certificate does not validate: a permanent fault.</summary>
        CertificateRejected,

        /// <summary>TLS could not be negotiated at all (no StartTLS, not an LDAPS port).</summary>
        NoTls,

        /// <summary>The certificate validates; the failure lies elsewhere.</summary>
        Valid,
    }

    private static readonly byte[] _startTlsRequest =
        [0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, .. "1.3.6.1.4.1.1466.20037"u8];

    public static (Verdict Verdict, string Detail) Check(string host, int port, bool startTls, string? caPem, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return CheckAsync(host, port, startTls, caPem, cts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return (Verdict.Unreachable, $"no answer from {host}:{port} within {timeout.TotalSeconds:0} s");
        }
    }

    private static async Task<(Verdict, string)> CheckAsync(string host, int port, bool startTls, string? caPem, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, ct);
        }
        catch (SocketException ex)
        {
            return (Verdict.Unreachable, $"cannot connect to {host}:{port} ({ex.SocketErrorCode})");
        }

        var stream = tcp.GetStream();
        if (startTls)
        {
            await stream.WriteAsync(_startTlsRequest, ct);
            var response = await ReadMessageAsync(stream, ct);
            if (response is null)
            {
                return (Verdict.Unreachable, $"{host}:{port} closed the connection during StartTLS");
            }

            var code = StartTlsResultCode(response);
            if (code != 0)
            {
                return (Verdict.NoTls, $"{host}:{port} refused StartTLS (LDAP {code})");
            }
        }

        string? problem = null;
        using var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, errors) =>
        {
            problem = Validate(certificate, errors, caPem);
            return problem is null;
        });
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct);
            return (Verdict.Valid, "");
        }
        catch (AuthenticationException ex)
        {
            return problem is not null ? (Verdict.CertificateRejected, problem) : (Verdict.NoTls, $"TLS with {host}:{port} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            return (Verdict.NoTls, $"TLS with {host}:{port} failed: {ex.Message}");
        }
    }

    private static string? Validate(X509Certificate? certificate, SslPolicyErrors errors, string? caPem)
    {
        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return "its name does not match the host in --ldap-url";
        }

        if (string.IsNullOrEmpty(caPem))
        {
            return errors == SslPolicyErrors.None ? null : $"it does not chain to a root in the system trust store ({errors})";
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(caPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(leaf))
        {
            return null;
        }

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"it does not chain to the CA given with --ldap-ca-cert ({status})";
    }

    private static async Task<byte[]?> ReadMessageAsync(NetworkStream stream, CancellationToken ct)
    {
        var header = new byte[2];
        if (!await ReadExactlyAsync(stream, header, ct))
        {
            return null;
        }

        int length;
        byte[] lengthBytes = [];
        if ((header[1] & 0x80) == 0)
        {
            length = header[1];
        }
        else
        {
            lengthBytes = new byte[header[1] & 0x7f];
            if (lengthBytes.Length is 0 or > 3 || !await ReadExactlyAsync(stream, lengthBytes, ct))
            {
                return null;
            }

            length = lengthBytes.Aggregate(0, (acc, b) => (acc << 8) | b);
        }

        var body = new byte[length];
        return await ReadExactlyAsync(stream, body, ct) ? [.. header, .. lengthBytes, .. body] : null;
    }

    private static async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int StartTlsResultCode(byte[] message)
    {
        try
        {
            var reader = new AsnReader(message, AsnEncodingRules.BER).ReadSequence();
            reader.ReadInteger();
            var response = reader.ReadSequence(new Asn1Tag(TagClass.Application, 24, isConstructed: true));
            var code = response.ReadEnumeratedBytes().Span;
            return code.Length is > 0 and <= 4 ? code.ToArray().Aggregate(0, (acc, b) => (acc << 8) | b) : -1;
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException)
        {
            return -1;
        }
    }
}
