using System.Text.Json.Nodes;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A control plane driven through its admin API client: the tests' in-process <see cref="ControlPlaneHost"/>, or the
/// benchmarks' published control plane in a process of its own. The calls both use are in <see cref="ControlPlaneApi"/>.
/// </summary>
public interface IControlPlaneApi
{
    ControlPlaneClient Client { get; }
}

/// <summary>The admin API calls of <see cref="ControlPlaneClient"/>, on anything that has one.</summary>
public static class ControlPlaneApi
{
    public static Task<(int Status, JsonNode? Body)> SendAsync(this IControlPlaneApi cp, HttpMethod method, string path, object? body = null) =>
        cp.Client.SendAsync(method, path, body);

    public static Task<JsonNode> MustAsync(this IControlPlaneApi cp, HttpMethod method, string path, object? body, int expectedStatus) =>
        cp.Client.MustAsync(method, path, body, expectedStatus);

    public static Task<string> CreateDomainAsync(this IControlPlaneApi cp, string domain = "DC=example;DC=com") => cp.Client.CreateDomainAsync(domain);

    public static Task<(string AgentId, string ConnectKey)> CreateConnectKeyAsync(this IControlPlaneApi cp, string domainId) =>
        cp.Client.CreateConnectKeyAsync(domainId);

    public static Task<string> CreateUserAsync(this IControlPlaneApi cp, string username, string first, string last) =>
        cp.Client.CreateUserAsync(username, first, last);

    public static Task BindUserAsync(this IControlPlaneApi cp, string domainId, string userId, string op = "add") => cp.Client.BindUserAsync(domainId, userId, op);

    public static Task<string> CreateGroupAsync(this IControlPlaneApi cp, string name) => cp.Client.CreateGroupAsync(name);

    public static Task AddMemberAsync(this IControlPlaneApi cp, string groupId, string userId, string op = "add") => cp.Client.AddMemberAsync(groupId, userId, op);

    public static Task BindGroupAsync(this IControlPlaneApi cp, string domainId, string groupId, string op = "add") =>
        cp.Client.BindGroupAsync(domainId, groupId, op);

    public static Task<JsonArray> AgentsAsync(this IControlPlaneApi cp, string domainId) => cp.Client.AgentsAsync(domainId);
}
