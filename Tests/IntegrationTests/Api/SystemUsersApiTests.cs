using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

public sealed class SystemUsersApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task A_user_is_created_with_200_in_the_v1_shape_and_read_back()
    {
        var username = ApiAssert.Unique("shape");
        var created = await Cp.MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username, email = $"{username}@example.com", firstname = "Shape", lastname = "Check" }, 200);
        var id = created["_id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal(username, created["username"]!.GetValue<string>());
        Assert.Equal($"{username}@example.com", created["email"]!.GetValue<string>());
        Assert.Equal("Shape", created["firstname"]!.GetValue<string>());
        Assert.False(created["account_locked"]!.GetValue<bool>());
        Assert.False(created["suspended"]!.GetValue<bool>());
        Assert.Equal("ACTIVATED", created["state"]!.GetValue<string>());
        Assert.Null(created["password"]);

        var got = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers/{id}", null, 200);
        Assert.Equal(username, got["username"]!.GetValue<string>());
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Get, "/api/systemusers/000000000000000000000000"));
    }

    [Fact]
    public async Task Duplicates_are_409_and_missing_fields_are_400_and_nothing_is_stored()
    {
        var username = ApiAssert.Unique("dup");
        await Cp.CreateUserAsync(username, "Dup", "Licate");
        var count = await CountUsersAsync();
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username, email = "other@example.com" }), "duplicateUsername");
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username = username + "2", email = $"{username}@example.com" }), "duplicateEmail");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { email = "x@example.com" }), "invalidUsername");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username = "noemail" }), "invalidEmail");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers", new { username = "bademail", email = "not-an-address" }), "invalidEmail");
        Assert.Equal(count, await CountUsersAsync());
    }

    [Theory]
    [InlineData("short1A", "Ada", "7 characters", false)]
    [InlineData("Sh0rt!", "Ada", "at least 7", true)]
    [InlineData("alllowercase", "Ada", "3 of", true)]
    [InlineData("Lovelace2024!", "Ada", "name", true)]
    [InlineData("Correct-Horse-9", "Ada", null, false)]
    public async Task Passwords_follow_the_AD_default_policy(string password, string firstname, string? rule, bool rejected)
    {
        var username = ApiAssert.Unique("pw");
        var response = await Cp.SendAsync(HttpMethod.Post, "/api/systemusers",
            new { username, email = $"{username}@example.com", firstname, lastname = "Lovelace", password });
        if (rejected)
        {
            ApiAssert.Error(400, response, "invalidPassword", rule);
            Assert.Equal(0, await CountUsersAsync(username));
        }
        else
        {
            Assert.Equal(200, response.Status);
            var id = response.Body!["_id"]!.GetValue<string>();
            ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/systemusers/{id}/password", new { password = "weak" }), "invalidPassword");
            await Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{id}/password", new { password = "An0ther-Strong-One" }, 200);
            await using var db = await DbAsync();
            var hash = (await db.Users.SingleAsync(u => u.Id == id)).PasswordHash!;
            Assert.StartsWith("pbkdf2-sha256$", hash, StringComparison.Ordinal);
            Assert.DoesNotContain("An0ther-Strong-One", hash, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_user_is_updated_suspended_activated_unlocked_and_deleted()
    {
        var id = await Cp.CreateUserAsync(ApiAssert.Unique("life"), "Life", "Cycle");
        var updated = await Cp.MustAsync(HttpMethod.Put, $"/api/systemusers/{id}", new { firstname = "Renamed", email = $"{id}@example.org" }, 200);
        Assert.Equal("Renamed", updated["firstname"]!.GetValue<string>());
        Assert.Equal("Cycle", updated["lastname"]!.GetValue<string>());

        var suspended = await Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{id}/state/suspend", null, 200);
        Assert.True(suspended["suspended"]!.GetValue<bool>());
        Assert.Equal("SUSPENDED", suspended["state"]!.GetValue<string>());
        var activated = await Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{id}/state/activate", null, 200);
        Assert.False(activated["suspended"]!.GetValue<bool>());
        await Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{id}/unlock", null, 200);

        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Put, $"/api/systemusers/{id}", new { email = "nope" }), "invalidEmail");
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers/000000000000000000000000/state/suspend"));
        await Cp.MustAsync(HttpMethod.Delete, $"/api/systemusers/{id}", null, 200);
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Get, $"/api/systemusers/{id}"));
    }

    [Fact]
    public async Task Lists_page_sort_filter_project_and_search()
    {
        var prefix = ApiAssert.Unique("ls")[..6];
        foreach (var n in new[] { "c", "a", "b" })
        {
            await Cp.CreateUserAsync($"{prefix}{n}", $"First{n}", "Lister");
        }

        var page = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=lastname:eq:Lister&sort=-username&limit=2&skip=0&fields=username", null, 200);
        Assert.Equal(3, page["totalCount"]!.GetValue<int>());
        var results = page["results"]!.AsArray();
        Assert.Equal(new[] { $"{prefix}c", $"{prefix}b" }, results.Select(r => r!["username"]!.GetValue<string>()));
        Assert.Null(results[0]!["email"]);
        Assert.NotNull(results[0]!["_id"]);

        var search = await Cp.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            new { searchFilter = new { searchTerm = $"{prefix}a", fields = new[] { "username" } } }, 200);
        Assert.Equal($"{prefix}a", Assert.Single(search["results"]!.AsArray())!["username"]!.GetValue<string>());

        var byFilter = await Cp.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            new { filter = new { and = new object[] { new { lastname = "Lister" }, new { firstname = "Firstb" } } } }, 200);
        Assert.Equal(1, byFilter["totalCount"]!.GetValue<int>());
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, "/api/systemusers?limit=1000"), "invalidLimit");
    }

    [Fact]
    public async Task Paging_through_every_user_and_group_gives_each_once_in_the_same_order_as_the_in_memory_path()
    {
        // Plain paging is answered by the database (count, skip, take); a sort goes through the in-memory path.
        var prefix = ApiAssert.Unique("pg")[..6];
        for (var i = 0; i < 12; i++)
        {
            await Cp.CreateUserAsync($"{prefix}{i:D2}", "Page", $"Walker{i}");
            await Cp.MustAsync(HttpMethod.Post, "/api/v2/usergroups", new { name = $"{prefix}-group-{i:D2}" }, 201);
        }

        async Task<(List<string> Ids, int Total)> UsersAsync(string extra)
        {
            var ids = new List<string>();
            var total = -1;
            for (var skip = 0; ; skip += 7)
            {
                var page = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers?limit=7&skip={skip}&fields=username{extra}", null, 200);
                total = page["totalCount"]!.GetValue<int>();
                var results = page["results"]!.AsArray();
                Assert.All(results, r => Assert.Null(r!["email"]));
                ids.AddRange(results.Select(r => r!["_id"]!.GetValue<string>()));
                if (results.Count < 7)
                {
                    return (ids, total);
                }
            }
        }

        async Task<List<string>> GroupsAsync(string extra)
        {
            var ids = new List<string>();
            for (var skip = 0; ; skip += 7)
            {
                var page = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?limit=7&skip={skip}&fields=name{extra}", null, 200)).AsArray();
                ids.AddRange(page.Select(r => r!["id"]!.GetValue<string>()));
                if (page.Count < 7)
                {
                    return ids;
                }
            }
        }

        var (plain, total) = await UsersAsync("");
        var (sorted, sortedTotal) = await UsersAsync("&sort=_id");
        Assert.True(plain.Count >= 12);
        Assert.Equal(plain.Count, total);
        Assert.Equal(total, sortedTotal);
        Assert.Equal(plain.Distinct().Count(), plain.Count);
        Assert.Equal(sorted, plain);

        var groups = await GroupsAsync("");
        Assert.True(groups.Count >= 12);
        Assert.Equal(groups.Distinct().Count(), groups.Count);
        Assert.Equal(await GroupsAsync("&sort=id"), groups);
    }

    [Fact]
    public async Task Binding_refuses_users_AD_cannot_hold_and_leaves_nothing_behind()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("rules")};DC=example;DC=com");
        var noLast = await Cp.CreateUserAsync(ApiAssert.Unique("nolast"), "Only", "");
        var longName = (await Cp.MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username = "a.very.long.username.x", email = "long@example.com", firstname = "Long", lastname = "Name" }, 200))["_id"]!.GetValue<string>();
        var badChars = (await Cp.MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username = "bad[name]", email = "brackets@example.com", firstname = "Bad", lastname = "Chars" }, 200))["_id"]!.GetValue<string>();

        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user", id = noLast }), "missingName", "last name");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user", id = longName }), "invalidUsername", "20 characters");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user", id = badChars }), "invalidUsername", "sAMAccountName");
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user", id = "000000000000000000000000" }));

        await using (var db = await DbAsync())
        {
            Assert.False(await db.Associations.AnyAsync(a => a.DomainId == domainId));
            Assert.False(await db.Changes.AnyAsync(c => c.DomainId == domainId));
        }

        // Once bound, clearing the name is refused and the stored user keeps it.
        var bound = await Cp.CreateUserAsync(ApiAssert.Unique("bound"), "Bound", "User");
        await Cp.BindUserAsync(domainId, bound);
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Put, $"/api/systemusers/{bound}", new { lastname = "" }), "missingName");
        Assert.Equal("User", (await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers/{bound}", null, 200))["lastname"]!.GetValue<string>());
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Put, $"/api/systemusers/{bound}", new { username = "x,DC=evil" }), "invalidUsername");
    }

    private async Task<int> CountUsersAsync(string? username = null)
    {
        await using var db = await DbAsync();
        return username is null ? await db.Users.CountAsync() : await db.Users.CountAsync(u => u.Username == username);
    }

    private Task<ControlPlaneDb> DbAsync() =>
        Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
