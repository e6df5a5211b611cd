using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.EndToEnd;

[Collection(SambaCollection.Name)]
public sealed class SambaThinPathTests(SambaDc samba)
{
    [Fact]
    public async Task A_user_bound_to_the_domain_appears_in_the_root_user_container_of_the_Samba_AD_DC()
    {
        using var temp = new TempDirectory();
        var (controlPlane, agent, domainId, _) = await ThinPath.StartAsync(temp, samba);
        await using var _ = controlPlane;
        using var __ = agent;

        var userId = await controlPlane.CreateUserAsync("grace.hopper", "Grace", "Hopper");
        await controlPlane.BindUserAsync(domainId, userId);

        var entry = await ThinPath.WaitForEntryAsync(samba, agent, "OU=People,DC=example,DC=com", "(sAMAccountName=grace.hopper)",
            "sAMAccountName", "userPrincipalName", "givenName", "sn", "displayName", "objectClass", "userAccountControl");
        Assert.Equal("CN=Grace Hopper,OU=People,DC=example,DC=com", entry.Dn);
        Assert.Equal("grace.hopper@example.com", entry.First("userPrincipalName"));
        Assert.Equal("Grace", entry.First("givenName"));
        Assert.Equal("Hopper", entry.First("sn"));
        Assert.Equal("Grace Hopper", entry.First("displayName"));
        Assert.Contains("user", entry.All("objectClass"));
        // No password has been synced yet, so the account stays disabled (514) rather than enabled without one.
        Assert.Equal("514", entry.First("userAccountControl"));
    }

    [Fact]
    public async Task A_bound_group_becomes_a_global_security_group_nested_in_the_sync_group()
    {
        using var temp = new TempDirectory();
        var (controlPlane, agent, domainId, _) = await ThinPath.StartAsync(temp, samba);
        await using var _ = controlPlane;
        using var __ = agent;

        var user = await controlPlane.CreateUserAsync("katherine.j", "Katherine", "Johnson");
        var group = await controlPlane.CreateGroupAsync("Flight Research");
        await controlPlane.AddMemberAsync(group, user);
        await controlPlane.BindGroupAsync(domainId, group);

        // Created, then nested: wait for the whole step to be visible.
        var entry = await ThinPath.WaitForEntryAsync(samba, agent, "OU=Groups,DC=example,DC=com",
            "(&(objectClass=group)(cn=Flight Research)(memberOf=CN=JumpCloud Groups,OU=Groups,DC=example,DC=com))",
            "groupType", "sAMAccountName", "member", "memberOf");
        Assert.Equal("CN=Flight Research,OU=Groups,DC=example,DC=com", entry.Dn);
        Assert.Equal("-2147483646", entry.First("groupType"));
        Assert.Contains("CN=JumpCloud Groups,OU=Groups,DC=example,DC=com", entry.All("memberOf"));
        await Processes.WaitUntilAsync(async () =>
            (await samba.SearchAsync("OU=Groups,DC=example,DC=com", "(cn=Flight Research)", "member")).Single().All("member")
                .Contains("CN=Katherine Johnson,OU=People,DC=example,DC=com"),
            TimeSpan.FromSeconds(30), "the user is a member of the group");

        // The in-chain rule shows the inherited membership of the sync group (minimal: no direct membership there).
        var chained = await samba.SearchAsync("OU=People,DC=example,DC=com",
            "(memberOf:1.2.840.113556.1.4.1941:=CN=JumpCloud Groups,OU=Groups,DC=example,DC=com)", "sAMAccountName");
        Assert.Contains(chained, e => e.First("sAMAccountName") == "katherine.j");
    }
}
