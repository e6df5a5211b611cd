using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Agents;

/// <summary>
/// A large write to the change log (binding a group of thousands) must not hold SQLite's single writer lock for long:
/// lease renewals queue behind it, and a renewal delayed past the lease hands the domain over for nothing (a needless
/// failover). Against a real control plane on SQLite with the default lease (4 s) and a primary on real gRPC/TLS.
/// </summary>
public sealed class LeaseUnderLoadTests
{
    private const int Members = 10_000;

    [Fact]
    public async Task Binding_a_ten_thousand_member_group_keeps_the_primary_lease()
    {
        using var temp = new TempDirectory();
        await using var cp = await ControlPlaneHost.StartAsync(temp.Sub("cp"), provider: DatabaseProvider.Sqlite);
        var domainId = await cp.CreateDomainAsync();
        var (_, connectKey) = await cp.CreateConnectKeyAsync(domainId);
        using var gateway = new GatewayClient(cp);
        await using var primary = await RawAgent.EnrollAsync(gateway, connectKey, "lease-host");
        await primary.ConnectAsync("lease-host");
        var epoch = await primary.WaitForLeaseAsync(TimeSpan.FromSeconds(30));

        // The group and its members are put straight into the model (their creation is not what is tested); binding the
        // group goes through the REST API: one transaction appending Members + 2 change-log entries.
        var groupId = await cp.CreateGroupAsync("Everyone");
        var factory = cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>();
        foreach (var chunk in Enumerable.Range(0, Members).Chunk(250))
        {
            // Small transactions: the seeding itself must not hold the writer lock for long.
            await using var db = await factory.CreateDbContextAsync();
            foreach (var i in chunk)
            {
                var user = new SystemUser
                {
                    Id = ObjectIds.New(TimeProvider.System), Username = $"load{i:D5}", Email = $"load{i:D5}@example.com", Firstname = "Load", Lastname = $"User{i:D5}",
                };
                db.Users.Add(user);
                db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = user.Id });
            }

            await db.SaveChangesAsync();
        }

        await cp.BindGroupAsync(domainId, groupId);

        // Two renewal rounds after the bind committed: each tells the primary whether its lease still holds.
        var leases = LeaseMessages(primary).Count;
        await Processes.WaitUntilAsync(() => Task.FromResult(LeaseMessages(primary).Count >= leases + 2), TimeSpan.FromSeconds(30),
            "two lease renewals after the group bind");

        Assert.DoesNotContain(LeaseMessages(primary), l => !l.Granted);
        Assert.All(LeaseMessages(primary), l => Assert.Equal(epoch, l.Epoch));
        await using (var db = await factory.CreateDbContextAsync())
        {
            var domain = await db.Domains.AsNoTracking().SingleAsync(d => d.Id == domainId);
            Assert.Equal((primary.Id, epoch), (domain.LeaseAgentId, domain.LeaseEpoch));
            // The entries are all there, numbered 1..n without gaps: the group, each member, the member list.
            var seqs = await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Seq).ToListAsync();
            Assert.Equal(Enumerable.Range(1, Members + 2).Select(i => (long)i), seqs);
            Assert.Equal(Members + 2, domain.LastSeq);
        }
    }

    private static List<Lease> LeaseMessages(RawAgent agent) =>
        [.. agent.Received.Where(m => m.BodyCase == ControlMessage.BodyOneofCase.Lease).Select(m => m.Lease)];
}
