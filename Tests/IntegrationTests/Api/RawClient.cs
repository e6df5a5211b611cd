using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>Sends raw JSON text, as the PowerShell module does (<c>ConvertTo-Json</c>), and keeps the response headers.</summary>
internal sealed class RawClient(HttpClient http)
{
    public async Task<(int Status, JsonNode? Body, HttpResponseHeaders Headers)> SendAsync(HttpMethod method, string path, string? json, string? orgId = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (orgId is not null)
        {
            request.Headers.Add("x-org-id", orgId);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text), response.Headers);
    }

    public async Task<(JsonNode Body, HttpResponseHeaders Headers)> MustAsync(HttpMethod method, string path, string? json, int expected, string? orgId = null)
    {
        var (status, body, headers) = await SendAsync(method, path, json, orgId);
        Assert.True(status == expected, $"{method} {path} returned {status}, expected {expected}: {body?.ToJsonString()}");
        return (body!, headers);
    }
}
