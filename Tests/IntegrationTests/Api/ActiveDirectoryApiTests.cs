using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

public sealed class ActiveDirectoryApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Theory]
    [InlineData("dc=example;dc=com", "capitals")]
    [InlineData("DC=example,DC=com", "semicolons")]
    [InlineData("DC=exa mple;DC=com", "spaces")]
    [InlineData("OU=People;DC=example;DC=com", "DC components only")]
    [InlineData("DC=com", "two DC components")]
    [InlineData("DC=ex_ample;DC=com", "DNS label")]
    [InlineData("", "required")]
    public async Task A_domain_breaking_the_ADI_rules_is_refused_with_a_400_naming_the_rule(string domain, string rule)
    {
        var before = (await Cp.MustAsync(HttpMethod.Get, "/api/v2/activedirectories?limit=100", null, 200)).AsArray().Count;
        var response = await Cp.SendAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain });
        ApiAssert.Error(400, response, "invalidDomain", rule);
        Assert.StartsWith("domain:", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await Cp.MustAsync(HttpMethod.Get, "/api/v2/activedirectories?limit=100", null, 200)).AsArray().Count);
    }

    [Fact]
    public async Task A_domain_is_created_read_patched_listed_and_deleted_in_JumpCloud_shape()
    {
        var created = await Cp.MustAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain = "DC=crud;DC=example;DC=org" }, 201);
        var id = created["id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal("DC=crud;DC=example;DC=org", created["domain"]!.GetValue<string>());
        Assert.Equal("UNSET", created["useCase"]!.GetValue<string>());

        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain = "DC=crud;DC=example;DC=org" }), "duplicateDomain");

        var got = await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{id}", null, 200);
        Assert.Equal(id, got["id"]!.GetValue<string>());

        var patched = await Cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{id}", new { useCase = "JCASAUTHORITY" }, 200);
        Assert.Equal("JCASAUTHORITY", patched["useCase"]!.GetValue<string>());
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{id}", new { useCase = "SOMETIMES" }), "invalidUseCase");

        var filtered = (await Cp.MustAsync(HttpMethod.Get, "/api/v2/activedirectories?filter=domain:eq:DC%3Dcrud%3BDC%3Dexample%3BDC%3Dorg", null, 200)).AsArray();
        Assert.Single(filtered);

        await Cp.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{id}", null, 200);
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/activedirectories/{id}"));
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{id}"));
    }

    [Theory]
    [InlineData("\"SOMETIMES\"")]
    [InlineData("\"twowaysync\"")]
    [InlineData("\"TwoWaySync\"")]
    [InlineData("1")]
    public async Task A_use_case_that_is_none_of_JumpClouds_values_is_a_400_listing_them_and_nothing_is_created(string useCase)
    {
        var before = (await Cp.MustAsync(HttpMethod.Get, "/api/v2/activedirectories?limit=100", null, 200)).AsArray().Count;
        var body = System.Text.Json.Nodes.JsonNode.Parse($$"""{"domain":"DC=usecase;DC=example;DC=org","useCase":{{useCase}}}""");

        var response = await Cp.SendAsync(HttpMethod.Post, "/api/v2/activedirectories", body);

        ApiAssert.Error(400, response, "invalidUseCase", "useCase: must be one of UNSET, TWOWAYSYNC, JCASAUTHORITY, ADASAUTHORITY");
        Assert.Equal(before, (await Cp.MustAsync(HttpMethod.Get, "/api/v2/activedirectories?limit=100", null, 200)).AsArray().Count);
        var created = await Cp.MustAsync(HttpMethod.Post, "/api/v2/activedirectories", new { domain = "DC=usecase;DC=example;DC=org", useCase = "ADASAUTHORITY" }, 201);
        Assert.Equal("ADASAUTHORITY", created["useCase"]!.GetValue<string>());
        await Cp.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{created["id"]!.GetValue<string>()}", null, 200);
    }

    [Theory]
    [InlineData("limit=101", "invalidLimit")]
    [InlineData("limit=-1", "invalidLimit")]
    [InlineData("skip=-3", "invalidSkip")]
    [InlineData("limit=ten", "invalidLimit")]
    [InlineData("filter=domain:like:x", "invalidFilter")]
    public async Task Bad_list_parameters_are_a_400(string query, string status) =>
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/activedirectories?{query}"), status);

    [Fact]
    public async Task Agents_get_a_one_time_connect_key_that_is_never_shown_again()
    {
        var domainId = await Cp.CreateDomainAsync("DC=agents;DC=example;DC=net");
        var created = await Cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "SYNC" }, 201);
        var agentId = created["id"]!.GetValue<string>();
        Assert.Equal("unsealed", created["state"]!.GetValue<string>());
        Assert.Equal("SYNC", created["agentType"]!.GetValue<string>());
        Assert.True(created["connectKey"]!.GetValue<string>().Length >= 43);
        var expires = created["connectKeyExpiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.99), TimeSpan.FromDays(7.01));

        var listed = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents", null, 200)).AsArray();
        Assert.Single(listed);
        Assert.Null(listed[0]!["connectKey"]);
        var one = await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents/{agentId}", null, 200);
        Assert.Null(one["connectKey"]);
        Assert.True(one.AsObject().ContainsKey("source_ip"));

        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "PUSH" }), "invalidAgentType", "agentType: must be SYNC or IMPORT");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "sync" }), "invalidAgentType");
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Post, "/api/v2/activedirectories/000000000000000000000000/agents", new { }));

        await Cp.MustAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}/agents/{agentId}", null, 204);
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/agents/{agentId}"));
    }

    [Fact]
    public async Task Associations_traversals_and_reverse_lookups_agree()
    {
        var domainId = await Cp.CreateDomainAsync("DC=graph;DC=example;DC=net");
        var direct = await Cp.CreateUserAsync(ApiAssert.Unique("gd"), "Direct", "User");
        var member = await Cp.CreateUserAsync(ApiAssert.Unique("gm"), "Member", "User");
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("grp"));
        await Cp.AddMemberAsync(group, member);
        await Cp.BindUserAsync(domainId, direct);
        await Cp.BindGroupAsync(domainId, group);

        var users = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/associations?targets=user", null, 200)).AsArray();
        Assert.Equal(direct, Assert.Single(users)!["to"]!["id"]!.GetValue<string>());
        var groups = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/associations?targets=user_group", null, 200)).AsArray();
        Assert.Equal(group, Assert.Single(groups)!["to"]!["id"]!.GetValue<string>());
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/associations?targets=system"), "invalidTargets");

        var reached = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/users", null, 200)).AsArray();
        Assert.Equal(new[] { direct, member }.Order(), reached.Select(r => r!["id"]!.GetValue<string>()).Order());
        var viaGroup = reached.Single(r => r!["id"]!.GetValue<string>() == member)!["paths"]!.AsArray()[0]!.AsArray();
        Assert.Equal(group, viaGroup[0]!["to"]!["id"]!.GetValue<string>());
        Assert.Single((await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/usergroups", null, 200)).AsArray());

        var memberDomains = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/users/{member}/activedirectories", null, 200)).AsArray();
        Assert.Equal(domainId, Assert.Single(memberDomains)!["id"]!.GetValue<string>());
        var groupDomains = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{group}/activedirectories", null, 200)).AsArray();
        Assert.Equal(domainId, Assert.Single(groupDomains)!["id"]!.GetValue<string>());

        await Cp.BindGroupAsync(domainId, group, "remove");
        Assert.Empty((await Cp.MustAsync(HttpMethod.Get, $"/api/v2/users/{member}/activedirectories", null, 200)).AsArray());
    }

    [Theory]
    [InlineData("{\"op\":\"attach\",\"type\":\"user\",\"id\":\"x\"}", "invalidOp")]
    [InlineData("{\"op\":\"add\",\"type\":\"system\",\"id\":\"x\"}", "invalidType")]
    [InlineData("{\"op\":\"add\",\"type\":\"user\"}", "invalidId")]
    public async Task Bad_association_operations_are_a_400(string body, string status)
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("bad")};DC=example;DC=net");
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Cp.Api.PostAsync($"/api/v2/activedirectories/{domainId}/associations", content);
        ApiAssert.Error(400, ((int)response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())), status);
    }
}
