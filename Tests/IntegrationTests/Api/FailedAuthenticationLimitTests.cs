using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// Failed <c>x-api-key</c> attempts are budgeted per source address and per key prefix (a control plane of its own
/// with a budget of 5 per hour, so the window never turns over during the test). Other source addresses come from
/// 127.0.0.0/8: the client binds its socket to 127.0.0.2, 127.0.0.3, ...
/// </summary>
public sealed class FailedAuthenticationLimitTests : IAsyncLifetime
{
    private const int Limit = 5;
    private readonly TempDirectory _temp = new();
    private ControlPlaneHost _cp = null!;

    public async Task InitializeAsync() => _cp = await ControlPlaneHost.StartAsync(_temp.Sub("cp"), new Dictionary<string, string>
    {
        ["Api:FailedAuthenticationLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Api:FailedAuthenticationWindowSeconds"] = "3600",
    });

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Repeated_failures_from_one_address_end_in_429_for_every_key_there_while_other_addresses_still_get_in()
    {
        using var fromTwo = Client("127.0.0.2", null);
        var statuses = new List<int>();
        for (var i = 0; i < Limit * 4 && !statuses.Contains(429); i++)
        {
            // A different prefix each time: only the source address budget is shared.
            fromTwo.DefaultRequestHeaders.Remove("x-api-key");
            fromTwo.DefaultRequestHeaders.Add("x-api-key", $"guess{i:D3}-0123456789abcdef0123456789abcdef");
            statuses.Add(await StatusAsync(fromTwo));
        }

        Assert.Equal(Enumerable.Repeat(401, Limit).Append(429), statuses);

        // While throttled, the right key from there is refused the same way: the answer tells a guesser nothing.
        using var rightFromTwo = Client("127.0.0.2", ControlPlaneHost.ApiKey);
        using var throttled = await rightFromTwo.GetAsync("/api/v2/activedirectories");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
        var body = JsonNode.Parse(await throttled.Content.ReadAsStringAsync())!;
        Assert.Equal(429, body["code"]!.GetValue<int>());

        using var rightFromThree = Client("127.0.0.3", ControlPlaneHost.ApiKey);
        Assert.Equal(200, await StatusAsync(rightFromThree));
    }

    [Fact]
    public async Task Repeated_failures_with_one_key_prefix_from_many_addresses_end_in_429_for_that_prefix()
    {
        var statuses = new List<int>();
        for (var i = 0; i < Limit * 4 && !statuses.Contains(429); i++)
        {
            // A new address each time, the same first eight characters.
            using var client = Client($"127.0.1.{i + 1}", $"jca_Same{i:D3}-0123456789abcdef0123456789abcdef");
            statuses.Add(await StatusAsync(client));
        }

        Assert.Equal(Enumerable.Repeat(401, Limit).Append(429), statuses);
        using var otherPrefix = Client("127.0.1.200", "jca_Else-0123456789abcdef0123456789abcdef");
        Assert.Equal(401, await StatusAsync(otherPrefix));
    }

    private static async Task<int> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v2/activedirectories");
        return (int)response.StatusCode;
    }

    /// <summary>A client whose connections leave from <paramref name="source"/> (any 127.x address is this machine).</summary>
    private HttpClient Client(string source, string? key)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = CaTrust.Validator(_cp.Certificates.CaPath);
        var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{_cp.Url.Port}"), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        return client;
    }
}
