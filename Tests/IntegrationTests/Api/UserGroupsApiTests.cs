using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Api;

public sealed class UserGroupsApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task A_group_is_created_renamed_listed_and_deleted_in_JumpCloud_shape()
    {
        var name = ApiAssert.Unique("Grp");
        var created = await Cp.MustAsync(HttpMethod.Post, "/api/v2/usergroups", new { name, description = "d" }, 201);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal("user_group", created["type"]!.GetValue<string>());
        Assert.Equal(name, created["name"]!.GetValue<string>());
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/v2/usergroups", new { name }), "duplicateName");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/v2/usergroups", new { description = "no name" }), "nullName");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/v2/usergroups", new { name = "a,b" }), "invalidName");

        var renamed = await Cp.MustAsync(HttpMethod.Put, $"/api/v2/usergroups/{id}", new { name = name + "x" }, 200);
        Assert.Equal(name + "x", renamed["name"]!.GetValue<string>());
        Assert.Contains((await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?filter=name:eq:{name}x", null, 200)).AsArray(),
            g => g!["id"]!.GetValue<string>() == id);

        await Cp.MustAsync(HttpMethod.Delete, $"/api/v2/usergroups/{id}", null, 200);
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Get, $"/api/v2/usergroups/{id}"));
    }

    [Fact]
    public async Task Members_are_added_listed_and_removed_with_204()
    {
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("Mem"));
        var user = await Cp.CreateUserAsync(ApiAssert.Unique("mem"), "Mem", "Ber");
        await Cp.AddMemberAsync(group, user);
        await Cp.AddMemberAsync(group, user);
        var members = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{group}/members", null, 200)).AsArray();
        Assert.Equal(user, Assert.Single(members)!["to"]!["id"]!.GetValue<string>());
        var membership = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{group}/membership", null, 200)).AsArray();
        Assert.Equal("user", Assert.Single(membership)!["type"]!.GetValue<string>());

        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/usergroups/{group}/members", new { op = "add", type = "user", id = "000000000000000000000000" }));
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/usergroups/{group}/members", new { op = "add", type = "system", id = user }), "invalidType");
        await Cp.AddMemberAsync(group, user, "remove");
        Assert.Empty((await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{group}/members", null, 200)).AsArray());
    }

    [Fact]
    public async Task A_bound_group_refuses_members_AD_cannot_hold()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("gb")};DC=example;DC=com");
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("Bound"));
        var nameless = await Cp.CreateUserAsync(ApiAssert.Unique("nameless"), "", "");
        await Cp.AddMemberAsync(group, nameless);
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user_group", id = group }), "missingName");
        await Cp.AddMemberAsync(group, nameless, "remove");
        await Cp.BindGroupAsync(domainId, group);
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/usergroups/{group}/members", new { op = "add", type = "user", id = nameless }), "missingName");
    }
}
