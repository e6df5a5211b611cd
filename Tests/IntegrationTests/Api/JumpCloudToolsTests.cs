using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// The requests JumpCloud's own tools send (the PowerShell module's <c>Connect-JCOnline</c>, <c>Get-JCUser</c>,
/// <c>New-JCUser</c>/<c>Set-JCUser</c>, <c>Import-JCUsersFromCSV</c>, <c>Get-JCGroup</c>), as raw JSON, and the answers
/// those tools expect, checked against JumpCloud's published schemas.
/// </summary>
public sealed class JumpCloudToolsTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task Connect_JCOnline_finds_one_organization_reads_its_settings_and_uses_its_id_as_x_org_id()
    {
        using var temp = new TempDirectory();
        await using var cp = await ControlPlaneHost.StartAsync(temp.Sub("cp"), new Dictionary<string, string>
        {
            ["Organization:Name"] = "Analytical Engines Ltd",
            ["Organization:ContactEmail"] = "it@example.com",
        });
        var client = new RawClient(cp.Api);

        var list = await client.MustAsync(HttpMethod.Get, "/api/organizations?fields=_id displayName&limit=100&skip=0", null, 200);
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "organizationslist", list.Body);
        Assert.Equal(1, list.Body["totalCount"]!.GetValue<int>());
        var org = Assert.Single(list.Body["results"]!.AsArray())!;
        var orgId = org["_id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{24}$", orgId);
        Assert.Equal("Analytical Engines Ltd", org["displayName"]!.GetValue<string>());

        var settings = await client.MustAsync(HttpMethod.Get, "/api/settings", null, 200);
        Assert.Equal("Analytical Engines Ltd", settings.Body["SETTINGS"]!["name"]!.GetValue<string>());
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "organizationsettings", settings.Body["SETTINGS"]);

        var details = await client.MustAsync(HttpMethod.Get, $"/api/organizations/{orgId}", null, 200);
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "organization", details.Body);
        Assert.Equal(orgId, details.Body["_id"]!.GetValue<string>());
        Assert.Equal("it@example.com", details.Body["settings"]!["contactEmail"]!.GetValue<string>());
        Assert.Equal(7, details.Body["settings"]!["passwordPolicy"]!["minLength"]!.GetValue<int>());
        JumpCloudSchemas.AssertNoNull(details.Body);
        ApiAssert.Error(404, await cp.SendAsync(HttpMethod.Get, "/api/organizations/000000000000000000000000"));

        // Current module versions also list the policy templates while connecting: an empty list, not a 404.
        var templates = await client.MustAsync(HttpMethod.Get, "/api/v2/policytemplates", null, 200, orgId);
        Assert.Empty(templates.Body.AsArray());
        Assert.Equal("0", Assert.Single(templates.Headers.GetValues("X-Total-Count")));

        // Every later call carries x-org-id: the organization's id passes, another one is refused.
        await client.MustAsync(HttpMethod.Get, "/api/v2/usergroups", null, 200, orgId);
        await client.MustAsync(HttpMethod.Post, "/api/search/systemusers", """{"filter":[{}],"limit":1000,"skip":0}""", 200, orgId);
        var refused = await client.SendAsync(HttpMethod.Get, "/api/systemusers", null, "5f0c1a2b3c4d5e6f7a8b9c0d");
        ApiAssert.Error(401, (refused.Status, refused.Body), "invalidOrgId");

        // The id is the database's: a restart on the same folder reports the same organization.
        var folder = cp.Directory;
        await cp.DisposeAsync();
        await using var again = await ControlPlaneHost.StartAsync(folder);
        var relisted = await new RawClient(again.Api).MustAsync(HttpMethod.Get, "/api/organizations", null, 200);
        Assert.Equal(orgId, relisted.Body["results"]![0]!["_id"]!.GetValue<string>());
        Assert.Equal("JumpCloud ADI", relisted.Body["results"]![0]!["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_JCUser_searches_with_array_filters_and_case_insensitive_anchored_regex()
    {
        // The issue's names: the pattern must match Ada.Lovelace whatever the case, and neither the dot's stand-in
        // (adaxlovelace) nor a longer name (ada.lovelace2).
        var ada = await CreateAsync("Ada.Lovelace", "Ada", "Lovelace", department: "Engines");
        var noDot = await CreateAsync("adaxlovelace", "Ada", "Xlovelace", department: "Engines");
        var longer = await CreateAsync("ada.lovelace2", "Ada", "Longer", department: "Looms");
        var client = new RawClient(Cp.Api);

        // Get-JCUser -username ada.lovelace...: limit in the query and the body, filter as an array, $regex, fields.
        var found = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers?limit=1000",
            """{"filter":[{"username":{"$regex":"(?i)(^ada\\.lovelace$)"}}],"limit":1000,"skip":0,"fields":["username","email","department"]}""", 200);
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "systemUsersSearchlist", found.Body);
        var hit = Assert.Single(found.Body["results"]!.AsArray())!;
        Assert.Equal(ada, hit["_id"]!.GetValue<string>());
        Assert.Equal("Engines", hit["department"]!.GetValue<string>());
        Assert.Null(hit["firstname"]);
        Assert.Equal(1, found.Body["totalCount"]!.GetValue<int>());

        // The issue's own forms: [{}] is everything, [{"username":"x"}] an exact match.
        var all = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers?limit=1000", """{"filter":[{}],"limit":1000,"skip":0}""", 200);
        Assert.Equal(await CountUsersAsync(), all.Body["totalCount"]!.GetValue<int>());
        var exact = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers?limit=1000",
            """{"filter":[{"username":"adaxlovelace"}],"limit":1000,"skip":0}""", 200);
        Assert.Equal(noDot, Assert.Single(exact.Body["results"]!.AsArray())!["_id"]!.GetValue<string>());

        // or / and, fields as a space-separated string, the query-string form inside or (Get-JCUser -manager).
        var either = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            $$"""{"filter":{"or":[{"department":"Looms"},"_id:$eq:{{ada}}"]},"fields":"username department"}""", 200);
        Assert.Equal(new[] { ada, longer }.Order(), either.Body["results"]!.AsArray().Select(r => r!["_id"]!.GetValue<string>()).Order());
        Assert.All(either.Body["results"]!.AsArray(), r => Assert.Null(r!["email"]));
        var both = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            $$$"""{"filter":{"and":[{"department":"Engines"},{"lastname":{"$regex":"^x","$options":"i"}}]}}""", 200);
        Assert.Equal(noDot, Assert.Single(both.Body["results"]!.AsArray())!["_id"]!.GetValue<string>());

        // A pattern the linear-time engine cannot run (a lookahead) still works, on the bounded backtracking engine.
        var lookahead = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            $$$"""{"filter":[{"username":{"$regex":"^ada(?=\\.)"}},{"lastname":"Longer"}]}""", 200);
        Assert.Equal(longer, Assert.Single(lookahead.Body["results"]!.AsArray())!["_id"]!.GetValue<string>());

        // searchFilter with a list of terms.
        var terms = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            """{"searchFilter":{"searchTerm":["xlovelace","LOVELACE2"],"fields":["username"]},"fields":"username"}""", 200);
        Assert.Equal(new[] { noDot, longer }.Order(), terms.Body["results"]!.AsArray().Select(r => r!["_id"]!.GetValue<string>()).Order());

        // Refusals name what is wrong; the list endpoint keeps its own limit.
        foreach (var (body, status) in new[]
                 {
                     ("""{"filter":[{"username":{"$regex":"(unclosed"}}]}""", "invalidFilter"),
                     ("""{"filter":[{"username":{"$where":"1"}}]}""", "invalidFilter"),
                     ("""{"filter":"username"}""", "invalidFilter"),
                     ("""{"fields":5}""", "invalidFields"),
                     ("""{"limit":1001}""", "invalidLimit"),
                     ("""{"searchFilter":{"searchTerm":5}}""", "invalidSearchFilter"),
                 })
        {
            var refused = await client.SendAsync(HttpMethod.Post, "/api/search/systemusers", body);
            ApiAssert.Error(400, (refused.Status, refused.Body), status);
        }

        var tooMany = await client.SendAsync(HttpMethod.Post, "/api/search/systemusers?limit=1001", "{}");
        ApiAssert.Error(400, (tooMany.Status, tooMany.Body), "invalidLimit");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, "/api/systemusers?limit=1000"), "invalidLimit");
    }

    [Fact]
    public async Task Every_v2_list_carries_the_total_in_X_Total_Count_and_targets_is_an_array()
    {
        var client = new RawClient(Cp.Api);
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("tc")};DC=example;DC=com");
        await Cp.CreateConnectKeyAsync(domainId);
        await Cp.CreateConnectKeyAsync(domainId);
        var groupIds = new List<string>();
        var userIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            groupIds.Add(await Cp.CreateGroupAsync(ApiAssert.Unique($"Tc{i}")));
            userIds.Add(await CreateAsync(ApiAssert.Unique($"tc{i}"), "Total", $"Count{i}"));
            await Cp.AddMemberAsync(groupIds[0], userIds[i]);
        }

        await Cp.BindUserAsync(domainId, userIds[1]);
        await Cp.BindGroupAsync(domainId, groupIds[0]);
        await Cp.BindGroupAsync(domainId, groupIds[1]);
        int groupCount, domainCount;
        await using (var db = await DbAsync())
        {
            groupCount = await db.Groups.CountAsync();
            domainCount = await db.Domains.CountAsync();
        }

        var lists = new (string Path, int Total, string Schema)[]
        {
            ("/api/v2/usergroups", groupCount, "UserGroup"),
            ($"/api/v2/usergroups/{groupIds[0]}/members", 3, "GraphConnection"),
            ($"/api/v2/usergroups/{groupIds[0]}/membership", 3, "GraphObjectWithPaths"),
            ($"/api/v2/usergroups/{groupIds[0]}/activedirectories", 1, "GraphObjectWithPaths"),
            ($"/api/v2/users/{userIds[0]}/activedirectories", 1, "GraphObjectWithPaths"),
            ("/api/v2/activedirectories", domainCount, "active-directory"),
            ($"/api/v2/activedirectories/{domainId}/agents", 2, "active-directory-agent-list"),
            ($"/api/v2/activedirectories/{domainId}/associations", 3, "GraphConnection"),
            ($"/api/v2/activedirectories/{domainId}/users", 3, "GraphObjectWithPaths"),
            ($"/api/v2/activedirectories/{domainId}/usergroups", 2, "GraphObjectWithPaths"),
        };
        foreach (var (path, total, schema) in lists)
        {
            var page = await client.MustAsync(HttpMethod.Get, $"{path}{(path.Contains('?') ? '&' : '?')}limit=1", null, 200);
            Assert.True(page.Headers.TryGetValues("X-Total-Count", out var values), $"{path}: no X-Total-Count");
            Assert.Equal(total.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(values));
            var items = page.Body.AsArray();
            Assert.Single(items);
            JumpCloudSchemas.AssertValidItems(JumpCloudSchemas.V2, schema, items);
            JumpCloudSchemas.AssertNoNull(items, "contactAt", "hostname", "hostType", "source_ip", "version", "updatedAt");
        }

        // targets: absent, comma form and repeated form give users and groups; one type gives that type.
        static List<string> Types(JsonNode list) => [.. list.AsArray().Select(c => c!["to"]!["type"]!.GetValue<string>()).Order()];
        string[] everything = ["user", "user_group", "user_group"];
        var associations = $"/api/v2/activedirectories/{domainId}/associations";
        Assert.Equal(everything, Types((await client.MustAsync(HttpMethod.Get, associations, null, 200)).Body));
        Assert.Equal(everything, Types((await client.MustAsync(HttpMethod.Get, $"{associations}?targets=user,user_group", null, 200)).Body));
        Assert.Equal(everything, Types((await client.MustAsync(HttpMethod.Get, $"{associations}?targets=user&targets=user_group", null, 200)).Body));
        Assert.Equal(["user_group", "user_group"], Types((await client.MustAsync(HttpMethod.Get, $"{associations}?targets=user_group", null, 200)).Body));
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Get, $"{associations}?targets=user,system"), "invalidTargets", "system");
    }

    [Fact]
    public async Task A_CSV_import_style_user_round_trips_every_field_and_wrong_types_are_400_naming_the_field()
    {
        var manager = await CreateAsync(ApiAssert.Unique("boss"), "Grace", "Hopper");
        var username = ApiAssert.Unique("csv");
        var employeeId = ApiAssert.Unique("E");
        var body = $$"""
            {
              "username": "{{username}}", "email": "{{username}}@example.com", "firstname": "Ada", "lastname": "Lovelace",
              "middlename": "King", "displayname": "Countess of Lovelace", "jobTitle": "Analyst", "employeeIdentifier": "{{employeeId}}",
              "department": "Engines", "costCenter": "CC-1843", "company": "Analytical Engines Ltd", "employeeType": "Contractor",
              "description": "Wrote the first program", "location": "London", "alternateEmail": "ada.alt@example.org",
              "recoveryEmail": {"address": "ada.recovery@example.org"}, "manager": "{{manager}}",
              "addresses": [{"type": "work", "poBox": "PO 1", "extendedAddress": "Floor 2", "streetAddress": "12 St James's Square",
                             "locality": "London", "region": "Greater London", "postalCode": "SW1Y 4JH", "country": "GB"}],
              "phoneNumbers": [{"type": "mobile", "number": "+44 20 7946 0000"}, {"type": "work", "number": "+44 20 7946 0001"}],
              "attributes": [{"name": "Badge", "value": "1815"}],
              "state": "ACTIVATED", "unix_uid": 5001, "unix_guid": 5001, "ldap_binding_user": true,
              "enable_user_portal_multifactor": true, "externally_managed": false,
              "sudo": false, "tags": ["imported"], "someFieldJumpCloudMayAddLater": {"nested": [1, 2]}
            }
            """;
        var client = new RawClient(Cp.Api);
        var created = await client.MustAsync(HttpMethod.Post, "/api/systemusers", body, 200);
        var id = created.Body["_id"]!.GetValue<string>();
        var got = (await client.MustAsync(HttpMethod.Get, $"/api/systemusers/{id}", null, 200)).Body;
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "systemuserreturn", got);
        JumpCloudSchemas.AssertNoNull(got);

        var sent = JsonNode.Parse(body)!.AsObject();
        foreach (var field in new[]
                 {
                     "username", "email", "firstname", "lastname", "middlename", "displayname", "jobTitle", "employeeIdentifier", "department",
                     "costCenter", "company", "employeeType", "description", "location", "alternateEmail", "manager", "state", "unix_uid",
                     "unix_guid", "ldap_binding_user", "enable_user_portal_multifactor", "externally_managed",
                 })
        {
            Assert.True(JsonNode.DeepEquals(sent[field], got[field]), $"{field}: sent {sent[field]?.ToJsonString()}, got {got[field]?.ToJsonString()}");
        }

        Assert.Equal("ada.recovery@example.org", got["recoveryEmail"]!["address"]!.GetValue<string>());
        var address = Assert.Single(got["addresses"]!.AsArray())!.AsObject();
        Assert.Matches("^[0-9a-f]{24}$", address["id"]!.GetValue<string>());
        address.Remove("id");
        Assert.True(JsonNode.DeepEquals(sent["addresses"]![0], address), address.ToJsonString());
        Assert.Equal(["+44 20 7946 0000", "+44 20 7946 0001"], got["phoneNumbers"]!.AsArray().Select(p => p!["number"]!.GetValue<string>()));
        Assert.Equal("mobile", got["phoneNumbers"]![0]!["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(sent["attributes"], got["attributes"]));
        Assert.Null(got["someFieldJumpCloudMayAddLater"]);

        // Set-JCUser: only what is sent changes; an empty string clears a field (left out, never null).
        var updated = (await client.MustAsync(HttpMethod.Put, $"/api/systemusers/{id}",
            """{"department": "Looms", "location": "", "phoneNumbers": [{"type": "home", "number": "1"}], "state": "SUSPENDED"}""", 200)).Body;
        Assert.Equal("Looms", updated["department"]!.GetValue<string>());
        Assert.False(updated.AsObject().ContainsKey("location"));
        Assert.Equal("Analyst", updated["jobTitle"]!.GetValue<string>());
        Assert.Equal("home", Assert.Single(updated["phoneNumbers"]!.AsArray())!["type"]!.GetValue<string>());
        Assert.Single(updated["addresses"]!.AsArray());
        Assert.True(updated["suspended"]!.GetValue<bool>());
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "systemuserreturn", updated);

        // A search finds the user by a profile field and by a nested one.
        var search = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers",
            $$$"""{"filter":[{"employeeIdentifier":"{{{employeeId}}}"},{"recoveryEmail.address":{"$regex":"(?i)^ADA\\.recovery@"}}]}""", 200);
        Assert.Equal(id, Assert.Single(search.Body["results"]!.AsArray())!["_id"]!.GetValue<string>());

        // Wrongly typed fields: 400 naming the field, nothing stored.
        var count = await CountUsersAsync();
        foreach (var (wrong, field) in new[]
                 {
                     ("\"department\": 5", "department"),
                     ("\"unix_uid\": \"5001\"", "unix_uid"),
                     ("\"unix_guid\": 0", "unix_guid"),
                     ("\"ldap_binding_user\": \"yes\"", "ldap_binding_user"),
                     ("\"addresses\": {\"type\": \"work\"}", "addresses"),
                     ("\"phoneNumbers\": [{\"number\": 5}]", "phoneNumbers[0].number"),
                     ("\"attributes\": [\"Badge\"]", "attributes[0]"),
                     ("\"recoveryEmail\": \"a@example.com\"", "recoveryEmail"),
                     ("\"state\": \"ASLEEP\"", "state"),
                 })
        {
            var other = ApiAssert.Unique("bad");
            var refused = await client.SendAsync(HttpMethod.Post, "/api/systemusers", $$"""{"username": "{{other}}", "email": "{{other}}@example.com", {{wrong}}}""");
            ApiAssert.Error(400, (refused.Status, refused.Body));
            Assert.StartsWith(field + ":", refused.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            var refusedPut = await client.SendAsync(HttpMethod.Put, $"/api/systemusers/{id}", $$"""{{{wrong}}}""");
            ApiAssert.Error(400, (refusedPut.Status, refusedPut.Body));
        }

        Assert.Equal(count, await CountUsersAsync());
        ApiAssert.Error(409, await Cp.SendAsync(HttpMethod.Post, "/api/systemusers",
            new { username = ApiAssert.Unique("dupe"), email = "dupe-employee@example.com", employeeIdentifier = employeeId }), "duplicateEmployeeIdentifier");
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Put, $"/api/systemusers/{id}", new { manager = "000000000000000000000000" }), "invalidManager");
        Assert.Equal("Looms", (await client.MustAsync(HttpMethod.Get, $"/api/systemusers/{id}", null, 200)).Body["department"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_response_has_null_where_the_schema_says_string()
    {
        // A domain without a primary agent and a group without a description: JumpCloud leaves the fields out.
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("nn")};DC=example;DC=com");
        var domain = await Cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}", null, 200);
        Assert.False(domain.AsObject().ContainsKey("primaryAgent"));
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V2, "active-directory", domain);
        JumpCloudSchemas.AssertNoNull(domain);

        var group = await Cp.MustAsync(HttpMethod.Post, "/api/v2/usergroups", new { name = ApiAssert.Unique("Nn") }, 201);
        Assert.False(group.AsObject().ContainsKey("description"));
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V2, "UserGroup", group);
        JumpCloudSchemas.AssertNoNull(group);

        var userId = await CreateAsync(ApiAssert.Unique("nn"), "Null", "Check");
        var user = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers/{userId}", null, 200);
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "systemuserreturn", user);
        JumpCloudSchemas.AssertNoNull(user);
        var list = await Cp.MustAsync(HttpMethod.Get, "/api/systemusers?limit=100", null, 200);
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "systemuserslist", list);
        JumpCloudSchemas.AssertNoNull(list);
        var search = await Cp.MustAsync(HttpMethod.Post, "/api/search/systemusers", new { filter = new[] { new { } }, limit = 1000 }, 200);
        JumpCloudSchemas.AssertValid(JumpCloudSchemas.V1, "systemUsersSearchlist", search);
        JumpCloudSchemas.AssertNoNull(search);

        // The validator is not a rubber stamp: the old shape (null for a string) fails it.
        var old = domain.DeepClone();
        old["primaryAgent"] = null;
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => JumpCloudSchemas.AssertValid(JumpCloudSchemas.V2, "active-directory", old));
    }

    private async Task<string> CreateAsync(string username, string first, string last, string? department = null) =>
        (await Cp.MustAsync(HttpMethod.Post, "/api/systemusers",
            new { username, email = $"{username}@example.com", firstname = first, lastname = last, department }, 200))["_id"]!.GetValue<string>();

    private async Task<int> CountUsersAsync()
    {
        await using var db = await DbAsync();
        return await db.Users.CountAsync();
    }

    private Task<ControlPlaneDb> DbAsync() =>
        Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
}
