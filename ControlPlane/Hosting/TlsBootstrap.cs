using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JumpCloudAdi.ControlPlane.Hosting;

/// <summary>
/// Makes sure Kestrel has a certificate: the configured PEM pair, or a self-signed one generated once into the data
/// folder. Agents trust it through --ca-cert or --pin with the fingerprint printed here.
/// </summary>
internal static class TlsBootstrap
{
    private const string PathKey = "Kestrel:Certificates:Default:Path";
    private const string KeyPathKey = "Kestrel:Certificates:Default:KeyPath";

    public static void EnsureCertificate(WebApplicationBuilder builder, string dataDirectory)
    {
        var configuredPath = builder.Configuration[PathKey];
        string certPath;
        if (!string.IsNullOrEmpty(configuredPath))
        {
            certPath = configuredPath;
        }
        else
        {
            var tlsDir = Path.Combine(dataDirectory, "tls");
            certPath = Path.Combine(tlsDir, "controlplane.crt");
            var keyPath = Path.Combine(tlsDir, "controlplane.key");
            if (!File.Exists(certPath) || !File.Exists(keyPath))
            {
                Directory.CreateDirectory(tlsDir);
                WriteSelfSigned(certPath, keyPath);
                Console.WriteLine($"Generated a self-signed TLS certificate: {Path.GetFullPath(certPath)}");
            }

            builder.Configuration[PathKey] = certPath;
            builder.Configuration[KeyPathKey] = keyPath;
        }

        if (File.Exists(certPath))
        {
            using var cert = X509CertificateLoader.LoadCertificateFromFile(certPath);
            Console.WriteLine($"TLS certificate SHA-256 fingerprint (agent --pin): {Fingerprint(cert)}");
        }
    }

    public static string Fingerprint(X509Certificate2 cert) => Convert.ToHexString(cert.GetCertHash(HashAlgorithmName.SHA256));

    private static void WriteSelfSigned(string certPath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostname = Dns.GetHostName();
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
