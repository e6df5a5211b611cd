using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Api;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Import;

/// <summary>
/// Import reports sent over the real gateway (gRPC over TLS) by an IMPORT agent that speaks the protocol by hand, so
/// what the control plane does with a report is tested apart from reading a directory: the commands' own checks, and
/// no loops back into the directory the users came from. SQLite, or PostgreSQL with <c>JCADI_TEST_DATABASE=Postgres</c>.
/// </summary>
public sealed class ImportReportTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task Users_are_imported_through_the_commands_and_one_a_command_refuses_is_skipped_with_its_reason_and_nothing_of_it_kept()
    {
        var (domainId, import, gateway) = await ImportDomainAsync("cmds");
        using var _ = gateway;
        var ada = ApiAssert.Unique("ada");
        var bad = ApiAssert.Unique("bad");
        var group = ApiAssert.Unique("Eng");
        var report = new ImportReport { Full = true, Once = true };
        report.Users.Add(User(ada, $"{ada}@example.com"));
        report.Users.Add(User(bad, "not an email address"));
        var imported = new ImportedGroup { Anchor = Guid.NewGuid().ToString(), Dn = $"cn={group},ou=Groups,dc=example,dc=com", Name = group };
        imported.MemberAnchors.AddRange([report.Users[0].Anchor, report.Users[1].Anchor]);
        report.Groups.Add(imported);

        var summary = await gateway.ReportImportAsync(import.Id, import.Credential, report);

        Assert.Equal((1, 1), (summary.Created, summary.GroupsCreated));
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal(bad, skipped.Username);
        Assert.Contains("email: a valid email address is required", skipped.Reason, StringComparison.Ordinal); // CreateUserCommand's own check
        var user = await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=username:eq:{ada}", null, 200);
        var adaUser = Assert.Single(user["results"]!.AsArray())!;
        Assert.True(adaUser["externally_managed"]!.GetValue<bool>());
        Assert.Equal(report.Users[0].Dn, adaUser["external_dn"]!.GetValue<string>());
        Assert.Equal("ActiveDirectory", adaUser["external_source_type"]!.GetValue<string>());
        Assert.Empty((await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=username:eq:{bad}", null, 200))["results"]!.AsArray());
        var groups = await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?filter=name:eq:{group}", null, 200);
        var groupId = Assert.Single(groups.AsArray())!["id"]!.GetValue<string>();
        var members = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{groupId}/members", null, 200)).AsArray();
        Assert.Equal(adaUser["_id"]!.GetValue<string>(), Assert.Single(members)!["to"]!["id"]!.GetValue<string>());
        await using var db = await NewDbAsync();
        Assert.False(await db.ImportedObjects.AnyAsync(o => o.DomainId == domainId && o.Anchor == report.Users[1].Anchor));
    }

    [Fact]
    public async Task An_imported_user_bound_back_for_sync_is_sent_with_its_anchor_and_the_import_never_echoes_into_its_own_domain()
    {
        var (domainId, import, gateway) = await ImportDomainAsync("loop");
        using var _ = gateway;
        var otherDomain = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("other")};DC=example;DC=com");
        var ada = ApiAssert.Unique("ada");
        var reported = User(ada, $"{ada}@example.com");
        var first = new ImportReport { Full = true };
        first.Users.Add(reported);
        Assert.Equal(1, (await gateway.ReportImportAsync(import.Id, import.Credential, first)).Created);
        var userId = (await Cp.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=username:eq:{ada}", null, 200))["results"]![0]!["_id"]!.GetValue<string>();

        // Bound back to the domain it came from (and to another one): the sync agent is told the entry's anchor.
        await Cp.BindUserAsync(domainId, userId);
        await Cp.BindUserAsync(otherDomain, userId);
        var syncKey = await Cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "SYNC" }, 201);
        await using var sync = await RawAgent.EnrollAsync(gateway, syncKey["connectKey"]!.GetValue<string>(), "sync-host");
        await sync.ConnectAsync("sync-host");
        await sync.WaitForLeaseAsync(TimeSpan.FromSeconds(30));
        // The domain was never synced: its first primary is sent the log from the start, the binding's upsert among it.
        await Processes.WaitUntilAsync(() => Task.FromResult(sync.Changes.Any(c => c.KindCase == Change.KindOneofCase.UserUpsert && c.UserUpsert.UserId == userId)),
            TimeSpan.FromSeconds(30), "the sync agent was sent the bound user (its binding)");
        Assert.All(sync.Changes.Where(c => c.KindCase == Change.KindOneofCase.UserUpsert && c.UserUpsert.UserId == userId),
            upsert => Assert.Equal(reported.Anchor, upsert.UserUpsert.Anchor));

        // A change in the directory updates the user; its own domain gets nothing back, the other domain the update.
        var (ownBefore, otherBefore) = (await KindsAsync(domainId), await KindsAsync(otherDomain));
        var changed = reported.Clone();
        changed.Lastname = "Renamed";
        var delta = new ImportReport();
        delta.Users.Add(changed);
        Assert.Equal(1, (await gateway.ReportImportAsync(import.Id, import.Credential, delta)).Updated);
        await using (var db = await NewDbAsync())
        {
            Assert.Equal("Renamed", (await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).Lastname);
        }

        Assert.Equal(ownBefore, await KindsAsync(domainId));
        Assert.Equal([.. otherBefore, "UserUpsert"], await KindsAsync(otherDomain));

        // Gone from the group in the directory: deleted in JumpCloud; the account it came from is not disconnected.
        Assert.Equal(1, (await gateway.ReportImportAsync(import.Id, import.Credential, new ImportReport { Full = true })).Dissociated);
        Assert.Equal(ownBefore, await KindsAsync(domainId));
        Assert.Equal([.. otherBefore, "UserUpsert", "UserDisconnect"], await KindsAsync(otherDomain));
    }

    [Fact]
    public async Task An_imported_group_bound_elsewhere_gets_its_member_list_once_per_report_however_many_members_join_or_leave()
    {
        var (_, import, gateway) = await ImportDomainAsync("members");
        using var _ = gateway;
        var otherDomain = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("bound")};DC=example;DC=com");
        var users = Enumerable.Range(0, 10).Select(i => ApiAssert.Unique($"m{i}")).Select(name => User(name, $"{name}@example.com")).ToList();
        var group = new ImportedGroup { Anchor = Guid.NewGuid().ToString(), Dn = $"cn={ApiAssert.Unique("Ops")},ou=Groups,dc=example,dc=com", Name = ApiAssert.Unique("Ops") };
        ImportReport Report(IEnumerable<int> members)
        {
            var report = new ImportReport { Full = true };
            report.Users.AddRange(users);
            var g = group.Clone();
            g.MemberAnchors.AddRange(members.Select(i => users[i].Anchor));
            report.Groups.Add(g);
            return report;
        }

        Assert.Equal(10, (await gateway.ReportImportAsync(import.Id, import.Credential, Report(Enumerable.Range(0, 5)))).Created);
        var groupId = Assert.Single((await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?filter=name:eq:{group.Name}", null, 200)).AsArray())!["id"]!.GetValue<string>();
        await Cp.BindGroupAsync(otherDomain, groupId);
        var before = await KindsAsync(otherDomain);

        // Three members leave and five join in one report: the bound domain gets one member list for each direction.
        await gateway.ReportImportAsync(import.Id, import.Credential, Report(Enumerable.Range(3, 7)));

        var added = (await KindsAsync(otherDomain)).Skip(before.Count).ToList();
        Assert.Equal(2, added.Count(k => k == nameof(Change.KindOneofCase.MembershipSet)));
        Assert.Equal(5, added.Count(k => k == nameof(Change.KindOneofCase.UserUpsert)));
        Assert.Equal(3, added.Count(k => k == nameof(Change.KindOneofCase.UserDisconnect)));
        var members = (await Cp.MustAsync(HttpMethod.Get, $"/api/v2/usergroups/{groupId}/members", null, 200)).AsArray()
            .Select(m => m!["to"]!["id"]!.GetValue<string>()).ToHashSet();
        await using var db = await NewDbAsync();
        var expected = await db.Users.Where(u => users.Skip(3).Select(x => x.Username).Contains(u.Username)).Select(u => u.Id).ToListAsync();
        Assert.Equal(expected.ToHashSet(), members);
        var last = await db.Changes.Where(c => c.DomainId == otherDomain && c.Kind == nameof(Change.KindOneofCase.MembershipSet)).OrderBy(c => c.Seq).Select(c => c.Payload).LastAsync();
        Assert.Equal(7, Google.Protobuf.JsonParser.Default.Parse<Change>(last).MembershipSet.MemberUsernames.Count);
    }

    private async Task<(string DomainId, RawAgent Import, GatewayClient Gateway)> ImportDomainAsync(string prefix)
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique(prefix)};DC=example;DC=com");
        await Cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "TWOWAYSYNC" }, 200);
        var key = await Cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "IMPORT" }, 201);
        var gateway = new GatewayClient(Cp);
        var import = await RawAgent.EnrollAsync(gateway, key["connectKey"]!.GetValue<string>(), "import-host");
        return (domainId, import, gateway);
    }

    private static ImportedUser User(string username, string email) => new()
    {
        Anchor = Guid.NewGuid().ToString(),
        Dn = $"uid={username},ou=People,dc=example,dc=com",
        Username = username,
        Firstname = "Ada",
        Lastname = "Lovelace",
        Email = email,
    };

    private async Task<ControlPlaneDb> NewDbAsync() => await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();

    private async Task<List<string>> KindsAsync(string domainId)
    {
        await using var db = await NewDbAsync();
        return await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Kind).ToListAsync();
    }
}
