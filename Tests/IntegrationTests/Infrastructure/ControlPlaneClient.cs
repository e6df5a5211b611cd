using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>A JumpCloud REST client for a control plane at a URL, trusting it through its CA only.</summary>
public sealed class ControlPlaneClient : IDisposable
{
    public ControlPlaneClient(Uri url, string caPath, string? apiKey)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = CaTrust.Validator(caPath);
        Http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            Http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
    }

    public HttpClient Http { get; }

    public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> MustAsync(HttpMethod method, string path, object? body, int expectedStatus)
    {
        var (status, json) = await SendAsync(method, path, body);
        Assert.True(status == expectedStatus, $"{method} {path} returned {status}, expected {expectedStatus}: {json?.ToJsonString()}");
        return json ?? JsonValue.Create("")!;
    }

    public async Task<string> CreateDomainAsync(string domain = "DC=example;DC=com") =>
        (await MustAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain }, 201))["id"]!.GetValue<string>();

    public async Task<(string AgentId, string ConnectKey)> CreateConnectKeyAsync(string domainId)
    {
        var json = await MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { }, 201);
        return (json["id"]!.GetValue<string>(), json["connectKey"]!.GetValue<string>());
    }

    public async Task<string> CreateUserAsync(string username, string first, string last, string? password = null) =>
        (await MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username, email = $"{username}@example.com", firstname = first, lastname = last, password }, 200))["_id"]!.GetValue<string>();

    public Task BindUserAsync(string domainId, string userId, string op = "add") =>
        MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op, type = "user", id = userId }, 204);

    public async Task<string> CreateGroupAsync(string name) =>
        (await MustAsync(HttpMethod.Post, "/api/v2/usergroups", new { name }, 201))["id"]!.GetValue<string>();

    public Task AddMemberAsync(string groupId, string userId, string op = "add") =>
        MustAsync(HttpMethod.Post, $"/api/v2/usergroups/{groupId}/members", new { op, type = "user", id = userId }, 204);

    public Task BindGroupAsync(string domainId, string groupId, string op = "add") =>
        MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op, type = "user_group", id = groupId }, 204);

    public Task SetPasswordAsync(string userId, string password) =>
        MustAsync(HttpMethod.Post, $"/api/systemusers/{userId}/password", new { password }, 200);

    public async Task<JsonArray> AgentsAsync(string domainId) =>
        (await MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents", null, 200)).AsArray();

    public async Task<string?> PrimaryAgentAsync(string domainId) =>
        (await MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}", null, 200))["primaryAgent"]?.GetValue<string>();

    public void Dispose() => Http.Dispose();
}
