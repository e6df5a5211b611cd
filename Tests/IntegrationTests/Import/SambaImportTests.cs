using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Import;

/// <summary>The IMPORT agent against a throwaway Samba AD DC, with the real control plane and agent process.</summary>
[Collection(SambaCollection.Name)]
public sealed class SambaImportTests(SambaDc samba)
{
    private const string People = "OU=People,DC=example,DC=com";
    private const string Groups = "OU=Groups,DC=example,DC=com";

    /// <summary>Asks for two <c>member</c> values per read, so the ADI group's members arrive in ranges.</summary>
    private static readonly Dictionary<string, string?> _ranged = new() { ["--ad-member-range"] = "2" };

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..6]}";

    private static string User(string cn, string sam, string? given, string? sn, params string[] extra)
    {
        var lines = new List<string>
        {
            $"dn: CN={cn},{People}", "changetype: add", "objectClass: user", $"sAMAccountName: {sam}", $"userPrincipalName: {sam}@example.com",
            $"mail: {sam}@example.com", "userAccountControl: 544",
        };
        if (given is not null)
        {
            lines.Add($"givenName: {given}");
        }

        if (sn is not null)
        {
            lines.Add($"sn: {sn}");
        }

        lines.AddRange(extra);
        return string.Join("\n", lines) + "\n\n";
    }

    [Fact]
    public async Task Import_once_on_Samba_creates_direct_and_nested_members_takes_over_skips_no_last_name_follows_a_rename_and_a_removal()
    {
        var (ada, bob, nolast, dave) = (Unique("ada"), Unique("bob"), Unique("nol"), Unique("dave"));
        var (adi, eng) = (Unique("ADI"), Unique("Eng"));
        await samba.ModifyAsync(string.Concat(
            User($"Ada {ada}", ada, "Ada", "Lovelace", "title: Analyst", "department: Engines", "company: Analytical", "telephoneNumber: +44 20 7946 0000",
                "streetAddress: 12 St James's Square", "l: London"),
            User($"Bob {bob}", bob, "Bob", "Babbage"),
            User($"Nolast {nolast}", nolast, "Nolast", null),
            User($"Dave {dave}", dave, "Dave", "Directory"),
            $"""
            dn: CN={eng},{Groups}
            changetype: add
            objectClass: group
            sAMAccountName: {eng}
            groupType: -2147483646
            member: CN=Bob {bob},{People}

            dn: CN={adi},{Groups}
            changetype: add
            objectClass: group
            sAMAccountName: {adi}
            groupType: -2147483646
            member: CN=Ada {ada},{People}
            member: CN=Nolast {nolast},{People}
            member: CN=Dave {dave},{People}
            member: CN={eng},{Groups}

            """));

        await using var h = await ImportHarness.StartAsync(samba, $"CN={adi};OU=Groups;DC=example;DC=com", _ranged);
        var existing = await h.ControlPlane.CreateUserAsync(dave, "Old", "Name");

        var run = await h.ImportOnceAsync();
        run.EnsureSuccess("import --once");
        Assert.Contains("2 created", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 taken over", run.Output, StringComparison.Ordinal);

        var adaUser = await h.UserAsync(ada) ?? throw new Xunit.Sdk.XunitException($"ada was not imported: {run.Output}");
        Assert.Equal($"{ada}@example.com", adaUser["email"]!.GetValue<string>());
        Assert.Equal("Lovelace", adaUser["lastname"]!.GetValue<string>());
        Assert.Equal("Analyst", adaUser["jobTitle"]!.GetValue<string>());
        Assert.Equal("Engines", adaUser["department"]!.GetValue<string>());
        Assert.Equal("Analytical", adaUser["company"]!.GetValue<string>());
        Assert.Equal("+44 20 7946 0000", Assert.Single(adaUser["phoneNumbers"]!.AsArray())!["number"]!.GetValue<string>());
        Assert.Equal($"CN=Ada {ada},{People}", adaUser["external_dn"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("ActiveDirectory", adaUser["external_source_type"]!.GetValue<string>());
        var bobUser = await h.UserAsync(bob) ?? throw new Xunit.Sdk.XunitException("bob (nested group) was not imported");
        var engGroup = await h.GroupAsync(eng) ?? throw new Xunit.Sdk.XunitException("the nested group was not imported");
        Assert.Equal([bobUser["_id"]!.GetValue<string>()], await h.MemberIdsAsync(engGroup["id"]!.GetValue<string>()));
        var taken = await h.UserByIdAsync(existing);
        Assert.Equal("Dave", taken!["firstname"]!.GetValue<string>());
        Assert.True(taken["externally_managed"]!.GetValue<bool>());
        Assert.Null(await h.UserAsync(nolast));
        var skipped = Assert.Single((await h.ImportsAsync())[0]!["skipped"]!.AsArray())!;
        Assert.Equal(nolast, skipped["username"]!.GetValue<string>());
        Assert.Contains("no last name", skipped["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // A rename in AD (new sAMAccountName) updates the same user; removing bob from the nested group deletes him.
        var renamed = Unique("ava");
        await samba.ModifyAsync($"""
            dn: CN=Ada {ada},{People}
            changetype: modify
            replace: sAMAccountName
            sAMAccountName: {renamed}
            -

            dn: CN={eng},{Groups}
            changetype: modify
            delete: member
            member: CN=Bob {bob},{People}
            -

            """);
        var second = await h.ImportOnceAsync();
        second.EnsureSuccess("second import --once");
        Assert.Equal(renamed, (await h.UserByIdAsync(adaUser["_id"]!.GetValue<string>()))!["username"]!.GetValue<string>());
        Assert.Null(await h.UserByIdAsync(bobUser["_id"]!.GetValue<string>()));
        Assert.Contains("1 dissociated", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_imported_user_bound_back_for_sync_on_Samba_is_adopted_by_anchor_and_keeps_its_DN_UPN_and_display_name()
    {
        // Named by AD its own way: a CN that is not "First Last", a UPN that is not sAMAccountName@realm.
        var (ada, adi) = (Unique("ada"), Unique("ADI"));
        var cn = $"Lovelace\\, Ada {ada}";
        var upn = $"countess.{ada}@example.com";
        await samba.ModifyAsync($"""
            dn: CN={cn},{People}
            changetype: add
            objectClass: user
            sAMAccountName: {ada}
            userPrincipalName: {upn}
            givenName: Ada
            sn: Lovelace
            displayName: Countess of Lovelace
            mail: {ada}@example.com
            userAccountControl: 544

            dn: CN={adi},{Groups}
            changetype: add
            objectClass: group
            sAMAccountName: {adi}
            groupType: -2147483646
            member: CN={cn},{People}

            """);
        await using var h = await ImportHarness.StartAsync(samba, $"CN={adi};OU=Groups;DC=example;DC=com");
        (await h.ImportOnceAsync()).EnsureSuccess("import --once");
        var adaId = (await h.UserAsync(ada) ?? throw new Xunit.Sdk.XunitException("ada was not imported"))["_id"]!.GetValue<string>();
        var imported = Assert.Single(await samba.SearchAsync(People, $"(sAMAccountName={ada})", "cn", "userPrincipalName", "displayName"));
        var factory = h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
        string importedAnchor;
        await using (var db = await factory.CreateDbContextAsync())
        {
            importedAnchor = (await db.ImportedObjects.AsNoTracking().SingleAsync(o => o.DomainId == h.DomainId && o.ObjectId == adaId)).Anchor;
        }

        // Bound back to the domain it came from, a running sync agent of that domain writes it.
        await h.ControlPlane.BindUserAsync(h.DomainId, adaId);
        var key = await h.ControlPlane.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{h.DomainId}/agents", new { agentType = "SYNC" }, 201);
        using var temp = new TempDirectory();
        using var sync = new AgentProcess(temp.Sub("sync"));
        await sync.InstallAsync(h.ControlPlane, samba, key["connectKey"]!.GetValue<string>());
        sync.Start();
        await Processes.WaitUntilAsync(async () => (await StatusAsync(factory, h.DomainId, adaId))?.Outcome == SyncOutcomeKind.Applied,
            TimeSpan.FromSeconds(60), () => $"the user applied by the sync agent (agent log: {sync.Log})");
        // The whole log acknowledged (a domain never synced gets no reconcile on top): every write the agent would make to it is made.
        await Processes.WaitUntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.Domains.AsNoTracking().AnyAsync(d => d.Id == h.DomainId && d.AckedSeq == d.LastSeq);
        }, TimeSpan.FromSeconds(60), () => $"the domain's whole log acknowledged (agent log: {sync.Log})");

        // One entry, matched by the imported anchor, not renamed, its UPN and display name as AD had them.
        var adopted = Assert.Single(await samba.SearchAsync(People, $"(|(sAMAccountName={ada})(userPrincipalName={ada}@example.com))", "cn", "userPrincipalName", "displayName", "mail"));
        Assert.Equal(imported.Dn, adopted.Dn);
        Assert.Equal(upn, adopted.First("userPrincipalName"));
        Assert.Equal("Countess of Lovelace", adopted.First("displayName"));
        Assert.Equal(importedAnchor, (await StatusAsync(factory, h.DomainId, adaId))!.Anchor);
    }

    private static async Task<SyncStatusRecord?> StatusAsync(IDbContextFactory<ControlPlaneDb> factory, string domainId, string userId)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.SyncStatuses.AsNoTracking().SingleOrDefaultAsync(x => x.DomainId == domainId && x.ObjectId == userId);
    }

    [Fact]
    public async Task A_Domain_Admin_import_account_is_refused_before_enrollment()
    {
        var adi = Unique("ADI");
        await samba.ModifyAsync($"""
            dn: CN={adi},{Groups}
            changetype: add
            objectClass: group
            sAMAccountName: {adi}
            groupType: -2147483646

            """);
        await using var h = await ImportHarness.StartAsync(samba, $"CN={adi};OU=Groups;DC=example;DC=com",
            bindUser: "Administrator@example.com", bindPassword: SambaDc.AdminPassword);
        var run = await h.ImportOnceAsync();
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("Domain Admins", run.Output, StringComparison.Ordinal);

        // Refused before enrollment: the connect key is still unused.
        var factory = h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(AgentStates.Unsealed, (await db.Agents.AsNoTracking().SingleAsync(a => a.Id == h.AgentId)).State);
    }
}
