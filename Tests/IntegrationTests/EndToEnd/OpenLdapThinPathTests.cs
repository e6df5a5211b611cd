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

        // Nothing else was created anywhere in the directory.
        var people = await slapd.SearchAsync("dc=example,dc=com", "(objectClass=inetOrgPerson)", "uid");
        Assert.Single(people);
    }
}
