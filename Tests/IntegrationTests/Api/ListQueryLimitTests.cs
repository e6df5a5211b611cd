using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>List queries take a few sort, filter and projection fields, and only the listed type's own.</summary>
public sealed class ListQueryLimitTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Theory]
    [InlineData("/api/systemusers?sort=nosuchfield", "invalidSort", "nosuchfield")]
    [InlineData("/api/systemusers?filter=nosuchfield:eq:1", "invalidFilter", "nosuchfield")]
    [InlineData("/api/systemusers?fields=username%20nosuchfield", "invalidFields", "nosuchfield")]
    [InlineData("/api/v2/usergroups?sort=-username", "invalidSort", "username")]
    [InlineData("/api/v2/activedirectories?filter=to.type:eq:user", "invalidFilter", "to.type")]
    public async Task An_unknown_field_is_400_naming_it_and_the_known_ones(string path, string status, string field)
    {
        var response = await Cp.SendAsync(HttpMethod.Get, path);
        ApiAssert.Error(400, response, status, field);
        Assert.Contains("known fields:", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thousands_of_fields_are_400_not_seconds_of_work()
    {
        var many = string.Join(',', Enumerable.Repeat("id", 1500));
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/usergroups?sort={many}"), "invalidSort", "at most 5");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/usergroups?fields={many}"), "invalidFields", "at most 32");
        var filters = string.Join('&', Enumerable.Repeat("filter=id:eq:x", 200));
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/usergroups?{filters}"), "invalidFilter", "at most 10");
    }

    [Fact]
    public async Task A_few_known_fields_nested_ones_included_still_work()
    {
        var name = ApiAssert.Unique("lq");
        var id = await Cp.CreateGroupAsync(name);
        var page = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?filter=name:eq:{name}&sort=-name,id,type&fields=name,description", null, 200)).AsArray();
        Assert.Equal(id, Assert.Single(page)!["id"]!.GetValue<string>());

        var domain = await Cp.CreateDomainAsync("DC=lq;DC=example");
        await Cp.BindGroupAsync(domain, id);
        var bound = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domain}/associations?filter=to.type:eq:user_group&sort=to.id", null, 200)).AsArray();
        Assert.Equal(id, Assert.Single(bound)!["to"]!["id"]!.GetValue<string>());
        await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domain}/usergroups?filter=syncStatus.outcome:eq:x", null, 200);
    }

    [Fact]
    public async Task The_v1_search_body_takes_known_fields_only_and_a_string_search_term()
    {
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/search/systemusers",
            JsonNode.Parse("""{"filter": {"and": [{"nosuchfield": "x"}]}}""")), "invalidFilter", "nosuchfield");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/search/systemusers",
            JsonNode.Parse("""{"searchFilter": {"searchTerm": 5}}""")), "invalidSearchFilter", "searchTerm");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/search/systemusers",
            JsonNode.Parse("""{"searchFilter": {"searchTerm": "a", "fields": [1]}}""")), "invalidFields", "fields");
        // The search endpoint takes JumpCloud's richer filter language (and/or, $regex, ...), bounded in size.
        var and = new JsonArray([.. Enumerable.Range(0, 300).Select(i => (JsonNode)new JsonObject { ["username"] = $"u{i}" })]);
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/search/systemusers",
            new JsonObject { ["filter"] = new JsonObject { ["and"] = and } }), "invalidFilter", "256 expressions");

        var username = ApiAssert.Unique("srch");
        await Cp.CreateUserAsync(username, "Search", "Me");
        var found = await Cp.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            JsonNode.Parse($$$"""{"filter": {"and": [{"username": "{{{username}}}"}]}, "searchFilter": {"searchTerm": "sear", "fields": ["firstname"]}}"""), 200);
        Assert.Equal(1, found["totalCount"]!.GetValue<int>());
    }
}
