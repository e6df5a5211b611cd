using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.EndToEnd;

public sealed class OpenLdapThinPathTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    [Fact]
    public async Task A_user_bound_to_the_domain_appears_in_the_root_user_container_of_OpenLDAP()
    {
        using var temp = new TempDirectory();
        var (controlPlane, agent, domainId, agentId) = await ThinPath.StartAsync(temp, slapd);
        await using var _ = controlPlane;
        using var __ = agent;

        var agents = await controlPlane.AgentsAsync(domainId);
        var reported = ThinPath.Agent(agents, agentId)!;
        Assert.Equal("MEMBER_SERVER", reported["hostType"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(reported["hostname"]!.GetValue<string>()));
        Assert.Null(reported["connectKey"]);

        var userId = await controlPlane.CreateUserAsync("ada.lovelace", "Ada", "Lovelace");
        await controlPlane.BindUserAsync(domainId, userId);

        var entry = await ThinPath.WaitForEntryAsync(slapd, agent, "ou=People,dc=example,dc=com", "(uid=ada.lovelace)",
            "uid", "givenName", "sn", "cn", "displayName", "mail", "objectClass");
        Assert.Equal("uid=ada.lovelace,ou=People,dc=example,dc=com", entry.Dn);
        Assert.Equal("Ada", entry.First("givenName"));
        Assert.Equal("Lovelace", entry.First("sn"));
        Assert.Equal("Ada Lovelace", entry.First("cn"));
        Assert.Equal("ada.lovelace@example.com", entry.First("mail"));
        Assert.Contains("inetOrgPerson", entry.All("objectClass"));

        // Exactly one entry for the user anywhere in the directory (the class's other tests add their own users).
        var people = await slapd.SearchAsync("dc=example,dc=com", "(&(objectClass=inetOrgPerson)(|(uid=ada.lovelace)(mail=ada.lovelace@example.com)(cn=Ada Lovelace)))", "uid");
        Assert.Single(people);
    }

    [Fact]
    public async Task A_bound_group_is_created_beside_and_nested_in_the_sync_group_with_its_members()
    {
        using var temp = new TempDirectory();
        var (controlPlane, agent, domainId, _) = await ThinPath.StartAsync(temp, slapd);
        await using var _ = controlPlane;
        using var __ = agent;

        var alan = await controlPlane.CreateUserAsync("alan.turing", "Alan", "Turing");
        var joan = await controlPlane.CreateUserAsync("joan.clarke", "Joan", "Clarke");
        var group = await controlPlane.CreateGroupAsync("Codebreakers");
        await controlPlane.AddMemberAsync(group, alan);
        await controlPlane.AddMemberAsync(group, joan);
        await controlPlane.BindGroupAsync(domainId, group);

        var entry = await ThinPath.WaitForEntryAsync(slapd, agent, "ou=Groups,dc=example,dc=com", "(&(objectClass=groupOfNames)(cn=Codebreakers))", "member");
        Assert.Equal("cn=Codebreakers,ou=Groups,dc=example,dc=com", entry.Dn, ignoreCase: true);
        await Processes.WaitUntilAsync(async () =>
            (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", "(cn=Codebreakers)", "member")).Single().All("member").Count == 2,
            TimeSpan.FromSeconds(30), "both members in the group");
        var members = (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", "(cn=Codebreakers)", "member")).Single().All("member");
        Assert.Contains("uid=alan.turing,ou=People,dc=example,dc=com", members, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("uid=joan.clarke,ou=People,dc=example,dc=com", members, StringComparer.OrdinalIgnoreCase);

        await Processes.WaitUntilAsync(async () =>
            (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", "(cn=JumpCloud Groups)", "member")).Single().All("member")
                .Contains(entry.Dn, StringComparer.OrdinalIgnoreCase),
            TimeSpan.FromSeconds(30), "the group nested in the sync group");

        // Membership removal reaches the directory; the user leaves the domain too (it was bound only via the group).
        await controlPlane.AddMemberAsync(group, joan, "remove");
        await Processes.WaitUntilAsync(async () =>
            (await slapd.SearchAsync("ou=Groups,dc=example,dc=com", "(cn=Codebreakers)", "member")).Single().All("member").Count == 1,
            TimeSpan.FromSeconds(30), "joan removed from the group");
    }
}
