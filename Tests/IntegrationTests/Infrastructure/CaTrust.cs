using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>Server-certificate validation against one private CA, with the host name checked: never validation switched off.</summary>
public static class CaTrust
{
    public static RemoteCertificateValidationCallback Validator(string caPath)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
    }
}
