using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// <c>dryRun=true</c> on every mutating endpoint: the database is byte-for-byte unchanged (a dump of every table), and
/// the preview lists exactly the change entries the real call then appends. Runs on SQLite and, with
/// <c>JCADI_TEST_DATABASE=Postgres</c>, on PostgreSQL.
/// </summary>
public sealed class DryRunTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    /// <summary>A call to make: method, path (without the query) and body.</summary>
    private sealed record Call(HttpMethod Method, string Path, object? Body = null);

    /// <summary>The method and route pattern each scenario covers, so a new mutating endpoint without one fails <see cref="Every_mutating_endpoint_has_a_dry_run_scenario"/>.</summary>
    private static readonly Dictionary<string, string> Covers = new()
    {
        ["create domain"] = "POST /api/v2/activedirectories/",
        ["patch domain"] = "PATCH /api/v2/activedirectories/{id}",
        ["delete domain"] = "DELETE /api/v2/activedirectories/{id}",
        ["create agent"] = "POST /api/v2/activedirectories/{id}/agents",
        ["delete agent"] = "DELETE /api/v2/activedirectories/{id}/agents/{agentId}",
        ["reconcile"] = "POST /api/v2/activedirectories/{id}/reconcile",
        ["bind user"] = "POST /api/v2/activedirectories/{id}/associations",
        ["unbind user"] = "POST /api/v2/activedirectories/{id}/associations",
        ["bind group"] = "POST /api/v2/activedirectories/{id}/associations",
        ["unbind group"] = "POST /api/v2/activedirectories/{id}/associations",
        ["create user"] = "POST /api/systemusers/",
        ["update user"] = "PUT /api/systemusers/{id}",
        ["delete user"] = "DELETE /api/systemusers/{id}",
        ["suspend user"] = "POST /api/systemusers/{id}/state/suspend",
        ["activate user"] = "POST /api/systemusers/{id}/state/activate",
        ["unlock user"] = "POST /api/systemusers/{id}/unlock",
        ["set password"] = "POST /api/systemusers/{id}/password",
        ["create group"] = "POST /api/v2/usergroups/",
        ["update group"] = "PUT /api/v2/usergroups/{id}",
        ["delete group"] = "DELETE /api/v2/usergroups/{id}",
        ["add member"] = "POST /api/v2/usergroups/{id}/members",
        ["remove member"] = "POST /api/v2/usergroups/{id}/members",
        ["search users"] = "POST /api/search/systemusers",
    };

    public static TheoryData<string> Scenarios => [.. Covers.Keys];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_dry_run_stores_nothing_and_previews_exactly_what_the_real_call_appends(string scenario)
    {
        var call = await ArrangeAsync(scenario);
        var before = await DatabaseDump.OfAsync(Cp);

        var (status, preview) = await Cp.SendAsync(call.Method, call.Path + "?dryRun=true", call.Body);

        Assert.True(status == 200, $"{scenario}: the dry run answered {status}: {preview?.ToJsonString()}");
        Assert.Equal(before, await DatabaseDump.OfAsync(Cp));
        Assert.True(preview!["dryRun"]!.GetValue<bool>());
        var previewed = preview["domains"]!.AsArray().SelectMany(d => d!["changes"]!.AsArray().Select(c =>
                (Domain: d["domainId"]!.GetValue<string>(), Seq: c!["seq"]!.GetValue<long>(), Kind: c["kind"]!.GetValue<string>(), Object: c["objectId"]?.GetValue<string>())))
            .OrderBy(e => e.Domain, StringComparer.Ordinal).ThenBy(e => e.Seq).Select(e => $"{e.Domain} {e.Seq} {e.Kind} {e.Object}").ToList();
        Assert.All(preview["domains"]!.AsArray(), d => Assert.All(d!["changes"]!.AsArray(), c => Assert.False(string.IsNullOrWhiteSpace(c!["summary"]!.GetValue<string>()))));

        var lastId = await LastChangeIdAsync();
        var (realStatus, realBody) = await Cp.SendAsync(call.Method, call.Path, call.Body);

        Assert.True(realStatus is >= 200 and < 300, $"{scenario}: the real call answered {realStatus}: {realBody?.ToJsonString()}");
        Assert.Equal(realStatus, preview["status"]!.GetValue<int>());
        Assert.Equal(await AppendedSinceAsync(lastId), previewed);
        if (scenario is not ("create domain" or "create user" or "create group" or "create agent" or "patch domain" or "search users" or "delete domain" or "delete agent"))
        {
            Assert.NotEmpty(previewed);
        }
    }

    [Fact]
    public async Task A_dry_run_of_a_call_that_would_fail_answers_the_error_and_stores_nothing()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("dryf")};DC=example");
        var nameless = await Cp.CreateUserAsync(ApiAssert.Unique("dryn"), "No", "");
        var before = await DatabaseDump.OfAsync(Cp);

        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations?dryRun=true",
            new { op = "add", type = "user", id = nameless }), "missingName");
        ApiAssert.Error(404, await Cp.SendAsync(HttpMethod.Delete, "/api/v2/activedirectories/ffffffffffffffffffffffff?dryRun=true"));
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Delete, $"/api/v2/activedirectories/{domainId}?dryRun=maybe"), "invalidDryRun");

        Assert.Equal(before, await DatabaseDump.OfAsync(Cp));
    }

    [Fact]
    public async Task The_preview_summarizes_per_domain_in_words()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("drys")};DC=example");
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("DrySum"));
        var users = new List<string>();
        foreach (var i in Enumerable.Range(0, 3))
        {
            var username = ApiAssert.Unique($"drys{i}");
            users.Add(username);
            await Cp.AddMemberAsync(group, await Cp.CreateUserAsync(username, "Dry", "Run"));
        }

        var bind = await Cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations?dryRun=true",
            new { op = "add", type = "user_group", id = group }, 200);
        var domain = bind["domains"]!.AsArray().Single()!;
        Assert.Equal(domainId, domain["domainId"]!.GetValue<string>());
        Assert.StartsWith("DC=drys", domain["domain"]!.GetValue<string>(), StringComparison.Ordinal);
        var summary = domain["summary"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Contains("create or update 3 users", summary);
        Assert.Contains("add 3 memberships", summary);
        Assert.Contains(summary, s => s.StartsWith("create or update group DrySum", StringComparison.Ordinal));

        await Cp.BindGroupAsync(domainId, group);
        var unbind = await Cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations?dryRun=true",
            new { op = "remove", type = "user_group", id = group }, 200);
        summary = [.. unbind["domains"]!.AsArray().Single()!["summary"]!.AsArray().Select(s => s!.GetValue<string>())];
        Assert.Contains("disconnect 3 users", summary);
        Assert.Contains(summary, s => s.StartsWith("disconnect group DrySum", StringComparison.Ordinal));

        var delete = await Cp.MustAsync(HttpMethod.Delete, $"/api/v2/usergroups/{group}?dryRun=true", null, 200);
        summary = [.. delete["domains"]!.AsArray().Single()!["summary"]!.AsArray().Select(s => s!.GetValue<string>())];
        Assert.Contains("disconnect 3 users", summary);
    }

    [Fact]
    public void Every_mutating_endpoint_has_a_dry_run_scenario()
    {
        var mutating = Cp.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m != "GET").Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();

        Assert.Empty(mutating.Except(Covers.Values));
        Assert.Empty(Covers.Values.Except(mutating));
    }

    private async Task<Call> ArrangeAsync(string scenario)
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("dry")};DC=example");
        var user = await Cp.Client.CreateUserAsync(ApiAssert.Unique("dryu"), "Dry", "Run", "Str0ng-Enough!1");
        var other = await Cp.CreateUserAsync(ApiAssert.Unique("dryo"), "Other", "Run");
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("DryGroup"));
        await Cp.AddMemberAsync(group, user);
        await Cp.AddMemberAsync(group, other);
        var domains = $"/api/v2/activedirectories/{domainId}";
        switch (scenario)
        {
            case "create domain":
                return new(HttpMethod.Post, "/api/v2/activedirectories", new { domain = $"DC={ApiAssert.Unique("dryc")};DC=example" });
            case "patch domain":
                return new(HttpMethod.Patch, domains, new { useCase = "TWOWAYSYNC", domain = $"DC={ApiAssert.Unique("dryp")};DC=example" });
            case "delete domain":
                await Cp.BindGroupAsync(domainId, group);
                await Cp.CreateConnectKeyAsync(domainId);
                return new(HttpMethod.Delete, domains);
            case "create agent":
                return new(HttpMethod.Post, $"{domains}/agents", new { });
            case "delete agent":
                var (agentId, _) = await Cp.CreateConnectKeyAsync(domainId);
                return new(HttpMethod.Delete, $"{domains}/agents/{agentId}");
            case "reconcile":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Post, $"{domains}/reconcile");
            case "bind user":
                return new(HttpMethod.Post, $"{domains}/associations", new { op = "add", type = "user", id = user });
            case "unbind user":
                await Cp.BindUserAsync(domainId, user);
                return new(HttpMethod.Post, $"{domains}/associations", new { op = "remove", type = "user", id = user });
            case "bind group":
                return new(HttpMethod.Post, $"{domains}/associations", new { op = "add", type = "user_group", id = group });
            case "unbind group":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Post, $"{domains}/associations", new { op = "remove", type = "user_group", id = group });
            case "create user":
                var username = ApiAssert.Unique("dryn");
                return new(HttpMethod.Post, "/api/systemusers", new { username, email = $"{username}@example.com", firstname = "New", lastname = "User" });
            case "update user":
                await Cp.BindUserAsync(domainId, user);
                return new(HttpMethod.Put, $"/api/systemusers/{user}", new { firstname = "Renamed" });
            case "delete user":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Delete, $"/api/systemusers/{user}");
            case "suspend user":
                await Cp.BindUserAsync(domainId, user);
                return new(HttpMethod.Post, $"/api/systemusers/{user}/state/suspend");
            case "activate user":
                await Cp.BindUserAsync(domainId, user);
                await Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{user}/state/suspend", null, 200);
                return new(HttpMethod.Post, $"/api/systemusers/{user}/state/activate");
            case "unlock user":
                await Cp.BindUserAsync(domainId, user);
                return new(HttpMethod.Post, $"/api/systemusers/{user}/unlock");
            case "set password":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Post, $"/api/systemusers/{user}/password", new { password = "An0ther-Str0ng!" });
            case "create group":
                return new(HttpMethod.Post, "/api/v2/usergroups", new { name = ApiAssert.Unique("DryNew") });
            case "update group":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Put, $"/api/v2/usergroups/{group}", new { name = ApiAssert.Unique("DryRenamed") });
            case "delete group":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Delete, $"/api/v2/usergroups/{group}");
            case "add member":
                await Cp.BindGroupAsync(domainId, group);
                var third = await Cp.CreateUserAsync(ApiAssert.Unique("dryt"), "Third", "Run");
                return new(HttpMethod.Post, $"/api/v2/usergroups/{group}/members", new { op = "add", type = "user", id = third });
            case "remove member":
                await Cp.BindGroupAsync(domainId, group);
                return new(HttpMethod.Post, $"/api/v2/usergroups/{group}/members", new { op = "remove", type = "user", id = other });
            case "search users":
                return new(HttpMethod.Post, "/api/search/systemusers", new { filter = new object[] { new { firstname = "Dry" } } });
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }

    private async Task<long> LastChangeIdAsync()
    {
        await using var db = await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        return await db.Changes.MaxAsync(c => (long?)c.Id) ?? 0;
    }

    private async Task<List<string>> AppendedSinceAsync(long lastId)
    {
        await using var db = await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        var entries = await db.Changes.AsNoTracking().Where(c => c.Id > lastId).ToListAsync();
        return [.. entries.OrderBy(e => e.DomainId, StringComparer.Ordinal).ThenBy(e => e.Seq).Select(e => $"{e.DomainId} {e.Seq} {e.Kind} {e.ObjectId}")];
    }
}
