using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// <c>Tls:HostNames</c>: the generated certificate names JumpCloud's host, so a client that insists on
/// <c>console.jumpcloud.com</c> (the PowerShell module) completes a validated TLS handshake with the control plane.
/// </summary>
public sealed class TlsHostNamesTests
{
    [Fact]
    public async Task The_generated_certificate_names_the_configured_host_names_and_a_client_validating_them_connects()
    {
        using var temp = new TempDirectory();
        var data = temp.Sub("cp");
        var certPath = Path.Combine(data, "tls", "controlplane.crt");
        string fingerprint;
        await using (var app = await StartAsync(data, "console.jumpcloud.com, 10.11.12.13"))
        {
            using (var cert = X509CertificateLoader.LoadCertificateFromFile(certPath))
            {
                var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
                Assert.Contains("console.jumpcloud.com", san.EnumerateDnsNames());
                Assert.Contains("localhost", san.EnumerateDnsNames());
                Assert.Contains(IPAddress.Parse("10.11.12.13"), san.EnumerateIPAddresses());
                fingerprint = TlsBootstrap.Fingerprint(cert);
            }

            // As with a hosts-file entry: the name is JumpCloud's, the address is the control plane's.
            var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
            using var http = Client(certPath, port);
            using var response = await http.GetAsync($"https://console.jumpcloud.com:{port}/api/organizations");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

            // A name the certificate does not carry fails validation (the check above is not a rubber stamp).
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"https://console.eu.jumpcloud.com:{port}/api/organizations"));
            await app.StopAsync(); // stopped before it is disposed, as a host is: its background services end quietly
        }

        // Asking for another name later keeps the certificate agents may pin (a warning says what it lacks).
        await using (var app = await StartAsync(data, "console.eu.jumpcloud.com"))
        {
            using var cert = X509CertificateLoader.LoadCertificateFromFile(certPath);
            Assert.Equal(fingerprint, TlsBootstrap.Fingerprint(cert));
            await app.StopAsync();
        }

        // Something that is neither a DNS name nor an address is refused at start.
        Assert.Throws<InvalidOperationException>(() => ControlPlaneApp.Build(["--Tls:HostNames", "not a name!", "--Data:Directory", temp.Sub("bad")]));
    }

    private static async Task<WebApplication> StartAsync(string data, string hostNames)
    {
        var app = ControlPlaneApp.Build(
        [
            "--urls", "https://127.0.0.1:0",
            "--Admin:ApiKey", ControlPlaneHost.ApiKey,
            "--Database:Provider", "Sqlite",
            "--Data:Directory", data,
            "--Tls:HostNames", hostNames,
            "--Logging:LogLevel:Default", "Warning",
        ], b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(string caPath, int port)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = CaTrust.Validator(caPath);
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
