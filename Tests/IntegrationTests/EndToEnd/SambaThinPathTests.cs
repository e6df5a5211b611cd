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
}
