using System.Net;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

public sealed class AuthenticationTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Theory]
    [InlineData("/api/systemusers")]
    [InlineData("/api/v2/activedirectories")]
    [InlineData("/api/v2/usergroups")]
    public async Task Every_API_call_without_or_with_a_wrong_key_is_401_in_JumpCloud_shape(string path)
    {
        foreach (var key in new[] { null, "wrong-key", ControlPlaneHost.ApiKey + "x" })
        {
            using var client = host.ControlPlane.CreateClient(key);
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(401, body["code"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task The_right_key_with_the_organization_s_x_org_id_is_accepted_and_with_another_one_refused()
    {
        var orgId = (await host.ControlPlane.MustAsync(HttpMethod.Get, "/api/organizations", null, 200))["results"]![0]!["_id"]!.GetValue<string>();
        foreach (var (header, expected) in new[] { (orgId, HttpStatusCode.OK), ("", HttpStatusCode.OK), ("5f0c1a2b3c4d5e6f7a8b9c0d", HttpStatusCode.Unauthorized) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/activedirectories");
            request.Headers.Add("x-org-id", header);
            using var response = await host.ControlPlane.Api.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.Unauthorized)
            {
                var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal(401, body["code"]!.GetValue<int>());
                Assert.Equal("invalidOrgId", body["status"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task Swagger_documents_the_implemented_endpoints()
    {
        using var response = await host.ControlPlane.Api.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await response.Content.ReadAsStringAsync();
        foreach (var path in new[] { "/api/systemusers", "/api/systemusers/{id}/password", "/api/search/systemusers", "/api/v2/activedirectories/{id}/agents",
                     "/api/v2/activedirectories/{id}/associations", "/api/v2/usergroups/{id}/members", "/api/v2/users/{id}/activedirectories" })
        {
            Assert.Contains($"\"{path}\"", doc, StringComparison.Ordinal);
        }
    }
}
