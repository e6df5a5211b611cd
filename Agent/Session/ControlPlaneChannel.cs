using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// Creates the gRPC channel to the control plane, trusting its certificate through the system store, a CA file
/// (custom root trust, full chain and name validation) or a pinned SHA-256 fingerprint of the leaf. Never blindly.
/// </summary>
public static class ControlPlaneChannel
{
    public static GrpcChannel Create(AgentSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            KeepAlivePingDelay = TimeSpan.FromSeconds(15),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = Validator(settings);
        return GrpcChannel.ForAddress(settings.ControlPlaneUrl, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
    }

    private static RemoteCertificateValidationCallback? Validator(AgentSettings settings)
    {
        if (!string.IsNullOrEmpty(settings.ControlPlanePin))
        {
            var pin = Convert.FromHexString(settings.ControlPlanePin.Replace(":", "", StringComparison.Ordinal));
            return (_, certificate, _, _) =>
                certificate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), pin);
        }

        if (!string.IsNullOrEmpty(settings.ControlPlaneCaPem))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(settings.ControlPlaneCaPem);
            return (_, certificate, _, errors) =>
            {
                // Name mismatches are never forgiven; only the chain is re-built against the configured root.
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return chain.Build(leaf);
            };
        }

        return null;
    }
}
