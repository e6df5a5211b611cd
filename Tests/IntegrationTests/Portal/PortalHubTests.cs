using System.Net;
using JumpCloudAdi.ControlPlane.Portal.Live;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace JumpCloudAdi.IntegrationTests.Portal;

/// <summary>The portal's strongly typed hub, driven by the .NET SignalR client over real TLS with a signed-in cookie.</summary>
public sealed class PortalHubTests : IAsyncLifetime
{
    private const string Password = "Hub-Test-Passw0rd!";
    private readonly TempDirectory _temp = new();
    private ControlPlaneHost _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await ControlPlaneHost.StartAsync(_temp.Sub("cp"), new Dictionary<string, string>
        {
            ["Admin:Username"] = "hubadmin",
            ["Admin:Password"] = Password,
        });

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_signed_in_client_gets_the_domain_snapshot_and_a_live_push_when_an_agent_enrolls()
    {
        var cookies = await SignInAsync();
        var domainId = await _cp.CreateDomainAsync($"DC={ApiAssert.Unique("hub")};DC=example;DC=com");
        await using var hub = Connect(cookies);
        var pushed = new TaskCompletionSource<AgentView>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The new agent record (state "unsealed") is pushed as soon as the key exists; wait for the enrolled one.
        hub.On<AgentView>(nameof(IPortalClient.AgentChanged), agent =>
        {
            if (agent.Hostname == "hub-test-host")
            {
                pushed.TrySetResult(agent);
            }
        });
        await hub.StartAsync();

        var snapshot = await hub.InvokeAsync<DomainSnapshot?>(nameof(PortalHub.WatchDomain), domainId);
        Assert.NotNull(snapshot);

        var (agentId, key) = await _cp.CreateConnectKeyAsync(domainId);
        using (var gateway = new GatewayClient(_cp))
        {
            await gateway.EnrollAsync(new EnrollRequest { ConnectKey = key, Hostname = "hub-test-host", AgentType = "SYNC" });
        }

        var agent = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(agentId, agent.Id);
        Assert.Equal(domainId, agent.DomainId);
    }

    [Fact]
    public async Task The_hub_refuses_a_client_that_has_not_signed_in()
    {
        await using var hub = Connect(new CookieContainer());
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    private HubConnection Connect(CookieContainer cookies) => new HubConnectionBuilder()
        .WithUrl(new Uri(_cp.Url, PortalHub.Path), o =>
        {
            o.Cookies = cookies;
            o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => new SocketsHttpHandler
            {
                CookieContainer = cookies,
                SslOptions = { RemoteCertificateValidationCallback = CaTrust.Validator(_cp.Certificates.CaPath) },
            };
            o.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = CaTrust.Validator(_cp.Certificates.CaPath);
        })
        .Build();

    private Task<CookieContainer> SignInAsync() => PortalForms.SignInAsync(_cp, "hubadmin", Password);
}
