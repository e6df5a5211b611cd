using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Import;

/// <summary>The IMPORT agent against a real slapd: the real control plane, agent process and gRPC over TLS.</summary>
public sealed class OpenLdapImportTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private const string People = "ou=People,dc=example,dc=com";
    private const string Groups = "ou=Groups,dc=example,dc=com";

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// An ADI group with two direct members (one with every additional attribute, one without a first name), a nested
    /// group holding a third user, a group nested in that one holding a fourth and listing its parent again (a cycle).
    /// </summary>
    private async Task<Scenario> AddScenarioAsync()
    {
        var s = new Scenario(Unique("adi"), Unique("eng"), Unique("ops"), Unique("ada"), Unique("bob"), Unique("nofirst"), Unique("deep"));
        await slapd.AddAsync($"""
            dn: uid={s.Ada},{People}
            objectClass: inetOrgPerson
            uid: {s.Ada}
            cn: Ada Lovelace
            givenName: Ada
            sn: Lovelace
            mail: {s.Ada}@example.com
            displayName: Countess Ada
            title: Analyst
            departmentNumber: Engines
            o: Analytical Ltd
            physicalDeliveryOfficeName: London
            employeeType: Contractor
            description: First programmer
            telephoneNumber: +44 20 7946 0000
            mobile: +44 7700 900000
            street: 12 St James's Square
            l: London
            postalCode: SW1Y 4JH

            dn: uid={s.Bob},{People}
            objectClass: inetOrgPerson
            uid: {s.Bob}
            cn: Bob Babbage
            givenName: Bob
            sn: Babbage
            mail: {s.Bob}@example.com
            manager: uid={s.Ada},{People}

            dn: uid={s.NoFirst},{People}
            objectClass: inetOrgPerson
            uid: {s.NoFirst}
            cn: Nofirst
            sn: Nofirst
            mail: {s.NoFirst}@example.com

            dn: uid={s.Deep},{People}
            objectClass: inetOrgPerson
            uid: {s.Deep}
            cn: Deep Nested
            givenName: Deep
            sn: Nested
            mail: {s.Deep}@example.com

            dn: cn={s.Ops},{Groups}
            objectClass: groupOfNames
            cn: {s.Ops}
            member: uid={s.Deep},{People}

            dn: cn={s.Eng},{Groups}
            objectClass: groupOfNames
            cn: {s.Eng}
            description: Engineering
            member: uid={s.Bob},{People}
            member: cn={s.Ops},{Groups}

            dn: cn={s.Adi},{Groups}
            objectClass: groupOfNames
            cn: {s.Adi}
            member: uid={s.Ada},{People}
            member: uid={s.NoFirst},{People}
            member: cn={s.Eng},{Groups}
            """);
        // A cycle: the innermost group lists its parent again.
        await slapd.ModifyAsync($"""
            dn: cn={s.Ops},{Groups}
            changetype: modify
            add: member
            member: cn={s.Eng},{Groups}
            """);
        return s;
    }

    private sealed record Scenario(string Adi, string Eng, string Ops, string Ada, string Bob, string NoFirst, string Deep)
    {
        public string AdiDn => $"CN={Adi};OU=Groups;DC=example;DC=com";
    }

    [Fact]
    public async Task Import_once_creates_direct_and_nested_members_with_names_emails_attributes_and_memberships_and_skips_a_user_without_a_first_name()
    {
        var s = await AddScenarioAsync();
        await using var h = await ImportHarness.StartAsync(slapd, s.AdiDn);

        var run = await h.ImportOnceAsync();
        run.EnsureSuccess("import --once");
        Assert.Contains("3 created", run.Output, StringComparison.Ordinal);
        Assert.Contains($"skipped {s.NoFirst}", run.Output, StringComparison.Ordinal);

        var ada = await h.UserAsync(s.Ada) ?? throw new Xunit.Sdk.XunitException("ada was not imported");
        Assert.Equal($"{s.Ada}@example.com", ada["email"]!.GetValue<string>());
        Assert.Equal("Ada", ada["firstname"]!.GetValue<string>());
        Assert.Equal("Lovelace", ada["lastname"]!.GetValue<string>());
        Assert.True(ada["externally_managed"]!.GetValue<bool>());
        Assert.Equal($"uid={s.Ada},{People}", ada["external_dn"]!.GetValue<string>());
        Assert.Equal("ActiveDirectory", ada["external_source_type"]!.GetValue<string>());
        Assert.Equal("Countess Ada", ada["displayname"]!.GetValue<string>());
        Assert.Equal("Analyst", ada["jobTitle"]!.GetValue<string>());
        Assert.Equal("Engines", ada["department"]!.GetValue<string>());
        Assert.Equal("Analytical Ltd", ada["company"]!.GetValue<string>());
        Assert.Equal("London", ada["location"]!.GetValue<string>());
        Assert.Equal("Contractor", ada["employeeType"]!.GetValue<string>());
        Assert.Equal("First programmer", ada["description"]!.GetValue<string>());
        var phones = ada["phoneNumbers"]!.AsArray().Select(p => $"{p!["type"]}={p["number"]}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["mobile=+44 7700 900000", "work=+44 20 7946 0000"], phones);
        var address = Assert.Single(ada["addresses"]!.AsArray())!;
        Assert.Equal("12 St James's Square", address["streetAddress"]!.GetValue<string>());
        Assert.Equal("SW1Y 4JH", address["postalCode"]!.GetValue<string>());

        var bob = await h.UserAsync(s.Bob) ?? throw new Xunit.Sdk.XunitException("bob (nested group) was not imported");
        Assert.Equal(ada["_id"]!.GetValue<string>(), bob["manager"]!.GetValue<string>());
        var deep = await h.UserAsync(s.Deep) ?? throw new Xunit.Sdk.XunitException("the user two groups down was not imported");
        Assert.Null(await h.UserAsync(s.NoFirst));

        // The nested groups are user groups; each holds its users directly or through its own nested groups.
        var eng = await h.GroupAsync(s.Eng) ?? throw new Xunit.Sdk.XunitException("the nested group was not imported");
        Assert.Equal(new[] { bob["_id"]!.GetValue<string>(), deep["_id"]!.GetValue<string>() }.Order(StringComparer.Ordinal), await h.MemberIdsAsync(eng["id"]!.GetValue<string>()));
        var ops = await h.GroupAsync(s.Ops) ?? throw new Xunit.Sdk.XunitException("the group nested two deep was not imported");
        // The cycle is followed once: ops holds deep and, through its parent, bob.
        Assert.Equal(new[] { bob["_id"]!.GetValue<string>(), deep["_id"]!.GetValue<string>() }.Order(StringComparer.Ordinal), await h.MemberIdsAsync(ops["id"]!.GetValue<string>()));
        Assert.Null(await h.GroupAsync(s.Adi));

        var summary = Assert.Single(await h.ImportsAsync())!;
        Assert.Equal(3, summary["created"]!.GetValue<int>());
        Assert.True(summary["full"]!.GetValue<bool>());
        Assert.True(summary["once"]!.GetValue<bool>());
        var skipped = Assert.Single(summary["skipped"]!.AsArray())!;
        Assert.Equal(s.NoFirst, skipped["username"]!.GetValue<string>());
        Assert.Contains("no first name", skipped["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // status after a one-time run: its summary, and not healthy (nothing keeps running).
        var once = await AgentProcess.CliAsync("status", "--config", h.Agent.ConfigPath);
        Assert.Equal(1, once.ExitCode);
        Assert.Contains("Agent type:        IMPORT", once.Output, StringComparison.Ordinal);
        Assert.Contains("Connection:        finished (import --once)", once.Output, StringComparison.Ordinal);
        Assert.Contains("Latest import:     import run", once.Output, StringComparison.Ordinal);
        Assert.Contains("3 created", once.Output, StringComparison.Ordinal);

        // A second run changes nothing.
        (await h.ImportOnceAsync()).EnsureSuccess("second import --once");
        var second = (await h.ImportsAsync())[0]!;
        Assert.Equal(0, second["created"]!.GetValue<int>());
        Assert.Equal(3, second["unchanged"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_existing_user_of_the_same_username_is_taken_over_and_with_skip_it_is_left_alone()
    {
        var s = await AddScenarioAsync();
        await using var h = await ImportHarness.StartAsync(slapd, s.AdiDn, new Dictionary<string, string?> { ["--user-takeover-action"] = "skip" });
        var existing = await h.ControlPlane.CreateUserAsync(s.Ada, "Old", "Name");

        (await h.ImportOnceAsync()).EnsureSuccess("import --once (skip)");
        var left = await h.UserByIdAsync(existing);
        Assert.Equal("Old", left!["firstname"]!.GetValue<string>());
        Assert.False(left["externally_managed"]!.GetValue<bool>());
        Assert.Contains((await h.ImportsAsync())[0]!["skipped"]!.AsArray(), k => k!["username"]!.GetValue<string>() == s.Ada && k["reason"]!.GetValue<string>().Contains("takeover action is skip", StringComparison.Ordinal));

        await using var takeover = await ImportHarness.StartAsync(slapd, s.AdiDn);
        var other = await takeover.ControlPlane.CreateUserAsync(s.Ada, "Old", "Name");
        var run = await takeover.ImportOnceAsync();
        run.EnsureSuccess("import --once (takeover)");
        Assert.Contains("1 taken over", run.Output, StringComparison.Ordinal);
        var taken = await takeover.UserByIdAsync(other);
        Assert.Equal("Ada", taken!["firstname"]!.GetValue<string>());
        Assert.True(taken["externally_managed"]!.GetValue<bool>());
        Assert.Equal(1, (await takeover.ImportsAsync())[0]!["takenOver"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_running_import_agent_shows_connected_updates_a_rename_at_the_next_poll_and_deletes_a_user_removed_from_the_group()
    {
        var s = await AddScenarioAsync();
        await using var h = await ImportHarness.StartAsync(slapd, s.AdiDn, new Dictionary<string, string?> { ["--poll-seconds"] = "1" });
        h.Agent.Start();
        await Processes.WaitUntilAsync(async () => await h.UserAsync(s.Bob) is not null, TimeSpan.FromSeconds(60), () => $"bob imported (agent log: {h.Agent.Log})");
        var bobId = (await h.UserAsync(s.Bob))!["_id"]!.GetValue<string>();

        // status says what it is, what it reads, how often, and how its last report went; healthy while connected.
        Processes.Result? status = null;
        await Processes.WaitUntilAsync(async () =>
        {
            status = await AgentProcess.CliAsync("status", "--config", h.Agent.ConfigPath);
            return status.ExitCode == 0 && status.Output.Contains("Latest import:     import run", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), () => $"status of the running import agent: {status?.Output}");
        Assert.Contains("Agent type:        IMPORT", status!.Output, StringComparison.Ordinal);
        Assert.Contains($"Import group:      {s.AdiDn}", status.Output, StringComparison.Ordinal);
        Assert.Contains("Poll interval:     1 s", status.Output, StringComparison.Ordinal);
        Assert.Contains("Connection:        connected (import agent)", status.Output, StringComparison.Ordinal);
        Assert.Contains("3 created", status.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Latest sync:", status.Output, StringComparison.Ordinal);
        var agents = await h.ControlPlane.AgentsAsync(h.DomainId);
        Assert.Equal("active", agents.Single()!["state"]!.GetValue<string>());
        Assert.Equal("IMPORT", agents.Single()!["agentType"]!.GetValue<string>());

        // A rename in the directory (new RDN, new uid) updates the same JumpCloud user at the next poll.
        var renamed = Unique("robert");
        await slapd.ModifyAsync($"""
            dn: uid={s.Bob},{People}
            changetype: modrdn
            newrdn: uid={renamed}
            deleteoldrdn: 1
            """);
        // slapd's refint overlay rewrites the group's member value, as AD does.
        await Processes.WaitUntilAsync(async () => (await h.UserByIdAsync(bobId))?["username"]?.GetValue<string>() == renamed,
            TimeSpan.FromSeconds(60), () => $"bob renamed to {renamed} (agent log: {h.Agent.Log})");
        Assert.Null(await h.UserAsync(s.Bob));
        Assert.Contains(await h.ImportsAsync(), r => !r!["full"]!.GetValue<bool>() && r["updated"]!.GetValue<int>() == 1);

        // Removed from every group in scope: deleted (the default dissociation action).
        await slapd.ModifyAsync($"""
            dn: cn={s.Eng},{Groups}
            changetype: modify
            delete: member
            member: uid={renamed},{People}
            """);
        await Processes.WaitUntilAsync(async () => await h.UserByIdAsync(bobId) is null, TimeSpan.FromSeconds(60), () => $"bob deleted (agent log: {h.Agent.Log})");
        Assert.Contains(await h.ImportsAsync(), r => r!["dissociated"]!.GetValue<int>() == 1);
        var eng = await h.GroupAsync(s.Eng);
        Assert.DoesNotContain(bobId, await h.MemberIdsAsync(eng!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task With_unbind_a_user_removed_from_the_group_is_kept_and_no_longer_managed_from_the_directory()
    {
        var s = await AddScenarioAsync();
        await using var h = await ImportHarness.StartAsync(slapd, s.AdiDn, new Dictionary<string, string?> { ["--user-dissociation-action"] = "unbind" });
        (await h.ImportOnceAsync()).EnsureSuccess("first import");
        var ada = (await h.UserAsync(s.Ada))!["_id"]!.GetValue<string>();
        await slapd.ModifyAsync($"""
            dn: cn={s.Adi},{Groups}
            changetype: modify
            delete: member
            member: uid={s.Ada},{People}
            """);
        var run = await h.ImportOnceAsync();
        run.EnsureSuccess("second import");
        Assert.Contains("1 dissociated", run.Output, StringComparison.Ordinal);
        var kept = await h.UserByIdAsync(ada) ?? throw new Xunit.Sdk.XunitException("an unbound user must be kept");
        Assert.False(kept["externally_managed"]!.GetValue<bool>());
        Assert.Null(kept["external_dn"]);
    }

    [Fact]
    public async Task An_imported_user_bound_back_for_sync_is_adopted_as_its_one_entry_by_anchor_and_later_imports_are_not_written_back()
    {
        var s = await AddScenarioAsync();
        await using var h = await ImportHarness.StartAsync(slapd, s.AdiDn);
        (await h.ImportOnceAsync()).EnsureSuccess("import --once");
        var adaId = (await h.UserAsync(s.Ada))!["_id"]!.GetValue<string>();
        var imported = Assert.Single(await slapd.SearchAsync(SlapdServer.Suffix, $"(uid={s.Ada})", "entryUUID", "cn"));

        // Bound back to the domain it came from, a sync agent of that domain writes it.
        await h.ControlPlane.BindUserAsync(h.DomainId, adaId);
        var key = await h.ControlPlane.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{h.DomainId}/agents", new { agentType = "SYNC" }, 201);
        using var temp = new TempDirectory();
        using var sync = new AgentProcess(temp.Sub("sync"));
        await sync.InstallAsync(h.ControlPlane, slapd, key["connectKey"]!.GetValue<string>());
        sync.Start();
        await WaitAppliedAsync(h, adaId, sync);
        // The whole log acknowledged (a domain never synced gets no reconcile on top): nothing older is in flight.
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlane.Data.ControlPlaneDb>>().CreateDbContextAsync();
            return await db.Domains.AsNoTracking().AnyAsync(d => d.Id == h.DomainId && d.AckedSeq == d.LastSeq);
        }, TimeSpan.FromSeconds(60), () => $"the domain's whole log acknowledged (agent log: {sync.Log})");

        // One entry, the same DN, adopted by its anchor (recorded by the sync agent's own outcome).
        var adopted = Assert.Single(await slapd.SearchAsync(SlapdServer.Suffix, $"(uid={s.Ada})", "entryUUID", "cn", "entryCSN"));
        Assert.Equal(imported.Dn, adopted.Dn);
        Assert.Equal(imported.First("entryUUID"), adopted.First("entryUUID"));
        Assert.Equal(imported.First("entryUUID"), await StatusAsync(h, adaId, s => s.Anchor));

        // A change in the directory reaches JumpCloud at the next import and is not written back to the entry.
        await slapd.ModifyAsync($"""
            dn: uid={s.Ada},{People}
            changetype: modify
            replace: sn
            sn: Lovelace-King
            """);
        var changed = Assert.Single(await slapd.SearchAsync(SlapdServer.Suffix, $"(uid={s.Ada})", "entryCSN", "cn"));
        (await h.ImportOnceAsync()).EnsureSuccess("second import --once");
        Assert.Equal("Lovelace-King", (await h.UserByIdAsync(adaId))!["lastname"]!.GetValue<string>());
        // A user bound afterwards is applied after anything the import could have queued before it.
        var marker = await h.ControlPlane.CreateUserAsync(Unique("marker"), "Mark", "Er");
        await h.ControlPlane.BindUserAsync(h.DomainId, marker);
        await WaitAppliedAsync(h, marker, sync);
        var after = Assert.Single(await slapd.SearchAsync(SlapdServer.Suffix, $"(uid={s.Ada})", "entryCSN", "cn"));
        Assert.Equal((changed.First("entryCSN"), "Ada Lovelace"), (after.First("entryCSN"), after.First("cn")));
    }

    private static async Task WaitAppliedAsync(ImportHarness h, string userId, AgentProcess sync) =>
        await Processes.WaitUntilAsync(async () => await StatusAsync(h, userId, s => s.Outcome == ControlPlane.Data.SyncOutcomeKind.Applied ? "applied" : null) == "applied",
            TimeSpan.FromSeconds(60), () => $"user {userId} applied by the sync agent (agent log: {sync.Log})");

    private static async Task<string?> StatusAsync(ImportHarness h, string userId, Func<ControlPlane.Data.SyncStatusRecord, string?> field)
    {
        await using var db = await h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlane.Data.ControlPlaneDb>>().CreateDbContextAsync();
        var status = await db.SyncStatuses.AsNoTracking().SingleOrDefaultAsync(x => x.DomainId == h.DomainId && x.ObjectId == userId);
        return status is null ? null : field(status);
    }

    [Fact]
    public async Task An_import_connect_key_is_refused_with_a_400_unless_the_use_case_imports()
    {
        await using var temp = new AsyncTemp();
        await using var cp = await ControlPlaneHost.StartAsync(temp.Directory.Sub("cp"));
        var domainId = await cp.CreateDomainAsync();
        await cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "JCASAUTHORITY" }, 200);
        var refused = await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "IMPORT" }, 400);
        Assert.Equal("importNotAllowed", refused["status"]!.GetValue<string>());
        Assert.Contains("TWOWAYSYNC", refused["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await cp.AgentsAsync(domainId));
        await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "SYNC" }, 201);

        await cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "NOPE" }, 400);
        await cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "ADASAUTHORITY" }, 200);
        var key = await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "IMPORT" }, 201);
        Assert.Equal("IMPORT", key["agentType"]!.GetValue<string>());
    }

    private sealed class AsyncTemp : IAsyncDisposable
    {
        public TempDirectory Directory { get; } = new();

        public ValueTask DisposeAsync()
        {
            Directory.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
