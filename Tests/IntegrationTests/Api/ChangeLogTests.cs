using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>Every change that affects a bound domain lands in its change log, in the same transaction, in order.</summary>
public sealed class ChangeLogTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task Each_admin_action_on_a_bound_domain_appends_its_change_kind()
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique("log")};DC=example;DC=com");
        var user = await Cp.CreateUserAsync(ApiAssert.Unique("logu"), "Log", "User");
        var other = await Cp.CreateUserAsync(ApiAssert.Unique("logo"), "Other", "User");
        var group = await Cp.CreateGroupAsync(ApiAssert.Unique("LogGroup"));
        await Cp.AddMemberAsync(group, other);

        var expected = new List<string>();
        async Task Step(Func<Task> action, params string[] kinds)
        {
            await action();
            expected.AddRange(kinds);
            Assert.Equal(expected, await KindsAsync(domainId));
        }

        await Step(() => Cp.BindUserAsync(domainId, user), "UserUpsert");
        await Step(() => Cp.MustAsync(HttpMethod.Put, $"/api/systemusers/{user}", new { firstname = "Logged" }, 200), "UserUpsert");
        await Step(() => Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{user}/state/suspend", null, 200), "UserUpsert");
        await Step(() => Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{user}/state/activate", null, 200), "UserUpsert");
        await Step(() => Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{user}/unlock", null, 200), "UserUpsert");
        await Step(() => Cp.MustAsync(HttpMethod.Post, $"/api/systemusers/{user}/password", new { password = "Str0ng-Enough!" }, 200), "PasswordSet");
        await Step(() => Cp.BindGroupAsync(domainId, group), "GroupUpsert", "UserUpsert", "MembershipSet");
        await Step(() => Cp.MustAsync(HttpMethod.Put, $"/api/v2/usergroups/{group}", new { name = ApiAssert.Unique("Renamed") }, 200), "GroupUpsert");
        await Step(() => Cp.AddMemberAsync(group, user), "UserUpsert", "MembershipSet");
        await Step(() => Cp.AddMemberAsync(group, user, "remove"), "MembershipSet", "UserUpsert");
        await Step(() => Cp.AddMemberAsync(group, other, "remove"), "MembershipSet", "UserDisconnect");
        await Step(() => Cp.BindUserAsync(domainId, user, "remove"), "UserDisconnect");
        await Step(() => Cp.BindGroupAsync(domainId, group, "remove"), "GroupDisconnect");
        // The user reaches the domain again and has a password in the vault: it follows the upsert (issue 10).
        await Step(() => Cp.BindUserAsync(domainId, user), "UserUpsert", "PasswordSet");
        await Step(() => Cp.MustAsync(HttpMethod.Delete, $"/api/systemusers/{user}", null, 200), "UserDisconnect");

        // Failed requests add nothing.
        ApiAssert.Error(400, await Cp.SendAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/associations", new { op = "add", type = "user", id = await Cp.CreateUserAsync(ApiAssert.Unique("nn"), "No", "") }));
        Assert.Equal(expected, await KindsAsync(domainId));

        // Sequence numbers are dense and strictly increasing.
        await using var db = await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        var seqs = await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Seq).ToListAsync();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        // The password is kept only sealed: the plaintext is nowhere in the log.
        Assert.DoesNotContain(await db.Changes.Where(c => c.DomainId == domainId).Select(c => c.Payload).ToListAsync(),
            p => p.Contains("Str0ng-Enough!", StringComparison.Ordinal));
    }

    private async Task<List<string>> KindsAsync(string domainId)
    {
        await using var db = await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        return await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Kind).ToListAsync();
    }
}
