using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JumpCloudAdi.ControlPlane.Hosting;

/// <summary>
/// Makes sure Kestrel has a certificate: the configured PEM pair, or a self-signed one generated once into the data
/// folder. Agents trust it through --ca-cert or --pin with the fingerprint printed here. The generated certificate
/// names this host, <c>localhost</c>, the loopback addresses and every <c>Tls:HostNames</c> entry (so a hosts-file entry
/// can point a tool that insists on JumpCloud's own host name at the control plane).
/// </summary>
internal static class TlsBootstrap
{
    private const string PathKey = "Kestrel:Certificates:Default:Path";
    private const string KeyPathKey = "Kestrel:Certificates:Default:KeyPath";

    private const string HostNamesKey = "Tls:HostNames";

    public static void EnsureCertificate(WebApplicationBuilder builder, string dataDirectory)
    {
        var extraNames = HostNames(builder.Configuration);
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
                WriteSelfSigned(certPath, keyPath, extraNames);
                Console.WriteLine($"Generated a self-signed TLS certificate: {Path.GetFullPath(certPath)}");
            }
            else if (MissingNames(certPath, extraNames) is { Count: > 0 } missing)
            {
                // Not regenerated behind the operator's back: agents may pin the current one.
                Console.WriteLine($"warning: the generated TLS certificate {Path.GetFullPath(certPath)} does not name {string.Join(", ", missing)} " +
                    $"({HostNamesKey}); delete it and its key to generate one that does (then give agents the new fingerprint or certificate)");
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

    /// <summary><c>Tls:HostNames</c> as an array (<c>Tls__HostNames__0=...</c>) or one comma-separated value.</summary>
    internal static List<string> HostNames(IConfiguration configuration)
    {
        var section = configuration.GetSection(HostNamesKey);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        var names = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var name in names)
        {
            if (!IPAddress.TryParse(name, out _) && Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                throw new InvalidOperationException($"{HostNamesKey}: '{name}' is neither a DNS name nor an IP address.");
            }
        }

        return names;
    }

    private static List<string> MissingNames(string certPath, List<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        using var cert = X509CertificateLoader.LoadCertificateFromFile(certPath);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var dns = san?.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var ips = san?.EnumerateIPAddresses().ToHashSet() ?? [];
        return names.Where(n => IPAddress.TryParse(n, out var ip) ? !ips.Contains(ip) : !dns.Contains(n)).ToList();
    }

    private static void WriteSelfSigned(string certPath, string keyPath, List<string> extraNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostname = Dns.GetHostName();
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in extraNames.Where(n => !string.Equals(n, hostname, StringComparison.OrdinalIgnoreCase) && !string.Equals(n, "localhost", StringComparison.OrdinalIgnoreCase)))
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                if (!ip.Equals(IPAddress.Loopback) && !ip.Equals(IPAddress.IPv6Loopback))
                {
                    san.AddIpAddress(ip);
                }
            }
            else
            {
                san.AddDnsName(name);
            }
        }
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
