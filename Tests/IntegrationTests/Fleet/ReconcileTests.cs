using JumpCloudAdi.IntegrationTests.EndToEnd;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>Drift made behind the product's back (in the directory itself) is repaired by a reconcile, and reported.</summary>
public sealed class ReconcileTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private const string People = "ou=People,dc=example,dc=com";

    [Fact]
    public async Task A_reconcile_repairs_edited_deleted_and_unmembered_objects_and_reports_each()
    {
        using var temp = new TempDirectory();
        var (cp, agent, domainId, _) = await ThinPath.StartAsync(temp, slapd);
        await using var _ = cp;
        using var __ = agent;

        var edited = await cp.CreateUserAsync("rec.edited", "Edith", "Edited");
        var deleted = await cp.CreateUserAsync("rec.deleted", "Del", "Eted");
        var untouched = await cp.CreateUserAsync("rec.untouched", "Una", "Touched");
        var group = await cp.CreateGroupAsync("Reconciled");
        foreach (var user in new[] { edited, deleted, untouched })
        {
            await cp.AddMemberAsync(group, user);
        }

        await cp.BindGroupAsync(domainId, group);
        await Processes.WaitUntilAsync(async () =>
            (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", "(cn=Reconciled)", "member")).SingleOrDefault()?.All("member").Count == 3,
            TimeSpan.FromSeconds(60), "the group synced with three members");

        // Drift: an attribute edited, an entry deleted, a membership removed, all directly in the directory.
        await LdapTools.ModifyAsync(slapd.LdapsUrl, slapd.CaPath, SlapdServer.AdminDn, SlapdServer.AdminPassword, $"""
            dn: uid=rec.edited,{People}
            changetype: modify
            replace: givenName
            givenName: Tampered

            dn: uid=rec.deleted,{People}
            changetype: delete

            dn: cn=Reconciled,ou=Groups,dc=example,dc=com
            changetype: modify
            delete: member
            member: uid=rec.untouched,{People}
            """);

        var queued = await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/reconcile", null, 202);
        Assert.Equal(4, queued["objects"]!.GetValue<int>());

        await Processes.WaitUntilAsync(async () =>
        {
            var people = await slapd.SearchAsync(People, "(uid=rec.*)", "uid", "givenName");
            var group = (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", "(cn=Reconciled)", "member")).Single();
            return people.Count == 3 && people.Single(p => p.First("uid") == "rec.edited").First("givenName") == "Edith" && group.All("member").Count == 3;
        }, TimeSpan.FromSeconds(60), $"the drift repaired (agent log: {agent.Log})");

        // The directory is repaired before the agent's report reaches the control plane, and a reconcile of its own
        // may run whenever the agent (re)gains the lease: wait for exactly the report this drift must produce.
        var statuses = new Dictionary<string, string>();
        var groupMessage = "";
        await Processes.WaitUntilAsync(async () =>
        {
            statuses = (await cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/users", null, 200)).AsArray()
                .ToDictionary(u => u!["id"]!.GetValue<string>(), u => u!["syncStatus"]!["message"]!.GetValue<string>());
            var groupStatus = (await cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/usergroups", null, 200)).AsArray().Single()!;
            groupMessage = groupStatus["syncStatus"]!["message"]!.GetValue<string>();
            return statuses[edited].Contains("repaired (drift corrected)", StringComparison.Ordinal)
                   && statuses[deleted].Contains("repaired (was missing, recreated)", StringComparison.Ordinal)
                   && statuses[untouched].Contains("in sync", StringComparison.Ordinal)
                   && groupMessage.Contains("repaired", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), () => $"the reconcile's report per object (users: {string.Join("; ", statuses.Values)}; group: {groupMessage})");

        // The same on demand from the agent's command line.
        var cli = await AgentProcess.CliAsync("reconcile", "--config", agent.ConfigPath);
        Assert.True(cli.ExitCode == 0, cli.Output);
        Assert.Contains("Reconcile queued: 4 objects", cli.Output, StringComparison.Ordinal);
        await Processes.WaitUntilAsync(async () =>
        {
            var users = (await cp.MustAsync(HttpMethod.Get, $"/api/v2/activedirectories/{domainId}/users", null, 200)).AsArray();
            return users.All(u => u!["syncStatus"]!["message"]!.GetValue<string>().Contains("in sync", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(60), "every user reported in sync by the second reconcile");
        // The agent writes its status file just after sending the acknowledgement.
        var status = "";
        await Processes.WaitUntilAsync(async () =>
            (status = (await AgentProcess.CliAsync("status", "--config", agent.ConfigPath)).Output).Contains("entries checked, 0 repaired", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => $"the agent's status showing the second reconcile (status: {status})");
        Assert.Contains("Latest reconcile:", status, StringComparison.Ordinal);
    }
}
