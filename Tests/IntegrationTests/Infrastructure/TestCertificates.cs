using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>A private CA and a server certificate it issued for localhost / 127.0.0.1, written as PEM files.</summary>
public sealed class TestCertificates
{
    private TestCertificates(string caPath, string certPath, string keyPath)
    {
        CaPath = caPath;
        CertPath = certPath;
        KeyPath = keyPath;
    }

    public string CaPath { get; }
    public string CertPath { get; }
    public string KeyPath { get; }

    /// <summary>The files <see cref="Create"/> wrote earlier into <paramref name="directory"/> (a restarted server keeps its certificate).</summary>
    public static TestCertificates CreateOrReuse(string directory, string name)
    {
        var existing = new TestCertificates(Path.Combine(directory, "ca.pem"), Path.Combine(directory, $"{name}.pem"), Path.Combine(directory, $"{name}.key"));
        return File.Exists(existing.CaPath) && File.Exists(existing.CertPath) && File.Exists(existing.KeyPath) ? existing : Create(directory, name);
    }

    public static TestCertificates Create(string directory, string name = "server")
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN=JumpCloudAdi Test CA {name}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var leaf = request.Create(ca, now.AddDays(-1), now.AddDays(29), serial);

        var caPath = Path.Combine(directory, "ca.pem");
        var certPath = Path.Combine(directory, $"{name}.pem");
        var keyPath = Path.Combine(directory, $"{name}.key");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        File.WriteAllText(certPath, leaf.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportRSAPrivateKeyPem());
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new TestCertificates(caPath, certPath, keyPath);
    }
}
