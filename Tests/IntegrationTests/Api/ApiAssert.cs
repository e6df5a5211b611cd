using System.Text.Json.Nodes;

namespace JumpCloudAdi.IntegrationTests.Api;

internal static class ApiAssert
{
    /// <summary>JumpCloud's error shape: {code, message, status}, with the HTTP status repeated in code.</summary>
    public static void Error(int expected, (int Status, JsonNode? Body) response, string? statusCode = null, string? messageContains = null)
    {
        Assert.True(response.Status == expected, $"expected HTTP {expected}, got {response.Status}: {response.Body?.ToJsonString()}");
        Assert.NotNull(response.Body);
        Assert.Equal(expected, response.Body!["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(response.Body["message"]!.GetValue<string>()));
        if (statusCode is not null)
        {
            Assert.Equal(statusCode, response.Body["status"]?.GetValue<string>());
        }

        if (messageContains is not null)
        {
            Assert.Contains(messageContains, response.Body["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }
    }

    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 8, 20)];
}
