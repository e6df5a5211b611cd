using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// Commands run inside another operation of the same scope (as an import run calls them) join its transaction: they
/// are committed with it or not at all, act after its commit only, and one that refuses leaves nothing while the
/// operation goes on. On the real control plane's database: SQLite, or PostgreSQL with <c>JCADI_TEST_DATABASE=Postgres</c>.
/// </summary>
public sealed class ChangeLogJoinTests(ApiHost host) : IClassFixture<ApiHost>
{
    private ControlPlaneHost Cp => host.ControlPlane;

    [Fact]
    public async Task Commands_inside_an_operation_are_committed_with_it_and_act_only_after_its_commit()
    {
        var (domainId, userId) = await BoundUserAsync("join");
        var before = await KindsAsync(domainId);
        await using var scope = Cp.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<ChangeLog>();
        var update = scope.ServiceProvider.GetRequiredService<UpdateUserCommand>();
        var create = scope.ServiceProvider.GetRequiredService<CreateUserCommand>();
        var acted = new List<string>();
        var newName = ApiAssert.Unique("joined");

        await log.RunAsync(async () =>
        {
            Succeeded(await update.ExecuteAsync(userId, new UserInput { Firstname = "Joined" }, default));
            Succeeded(await create.ExecuteAsync(new UserInput { Username = newName, Email = $"{newName}@example.com", Firstname = "New", Lastname = "User" }, default));
            await log.RunAsync(async () =>
            {
                log.AfterCommit(() => acted.Add("inner"));
                await log.CommitAsync(default);
                return 0;
            }, default);

            // Nothing is committed or acted on before the outer commit: another connection sees the old state.
            Assert.Empty(acted);
            Assert.Equal("Join", (await UserAsync(userId))!.Firstname);
            Assert.Null(await UserByNameAsync(newName));
            Assert.Equal(before, await KindsAsync(domainId));
            log.AfterCommit(() => acted.Add("outer"));
            await log.CommitAsync(default);
            return 0;
        }, default);

        Assert.Equal(["inner", "outer"], acted);
        Assert.Equal("Joined", (await UserAsync(userId))!.Firstname);
        Assert.NotNull(await UserByNameAsync(newName));
        Assert.Equal([.. before, "UserUpsert"], await KindsAsync(domainId));
        await AssertDenseAsync(domainId);
    }

    [Fact]
    public async Task An_operation_that_ends_without_committing_or_throws_keeps_nothing_of_the_commands_it_ran()
    {
        var (_, userId) = await BoundUserAsync("nojoin");
        var dump = await DatabaseDump.OfAsync(Cp);
        var name = ApiAssert.Unique("nocommit");
        foreach (var throws in new[] { false, true })
        {
            await using var scope = Cp.Services.CreateAsyncScope();
            var log = scope.ServiceProvider.GetRequiredService<ChangeLog>();
            var update = scope.ServiceProvider.GetRequiredService<UpdateUserCommand>();
            var create = scope.ServiceProvider.GetRequiredService<CreateUserCommand>();
            var acted = false;
            var run = log.RunAsync(async () =>
            {
                Succeeded(await update.ExecuteAsync(userId, new UserInput { Firstname = "Never" }, default));
                Succeeded(await create.ExecuteAsync(new UserInput { Username = name, Email = $"{name}@example.com", Firstname = "No", Lastname = "Commit" }, default));
                log.AfterCommit(() => acted = true);
                return throws ? throw new InvalidOperationException("the operation fails") : 0;
            }, default);
            if (throws)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => run);
            }
            else
            {
                await run;
            }

            Assert.False(acted);
            Assert.Equal(dump, await DatabaseDump.OfAsync(Cp));
        }
    }

    [Fact]
    public async Task A_command_that_refuses_inside_an_operation_leaves_nothing_and_the_operation_goes_on()
    {
        var (domainId, userId) = await BoundUserAsync("refuse");
        var before = await KindsAsync(domainId);
        await using var scope = Cp.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<ChangeLog>();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        var update = scope.ServiceProvider.GetRequiredService<UpdateUserCommand>();

        await log.RunAsync(async () =>
        {
            var tracked = await db.Users.FindAsync([userId]);
            // Refused after it changed the (tracked) user: an unknown manager.
            var refused = await update.ExecuteAsync(userId, new UserInput { Firstname = "Leaked", Manager = "0123456789abcdef01234567" }, default);
            Assert.Equal("invalidManager", refused.Error?.Status);
            Assert.Equal("Refuse", tracked!.Firstname);

            // Refused after saving and appending: the savepoint and the tracked state both go back.
            await log.RunAsync(async () =>
            {
                tracked.Lastname = "Saved";
                await log.SaveAsync(default);
                await log.AppendAsync(domainId, ChangeFactory.UserUpsert(tracked), default);
                return 0; // no commit
            }, default);
            Assert.Equal("User", tracked.Lastname);

            // A statement the database refuses (a unique index): on PostgreSQL the transaction goes on after it.
            await log.RunAsync(async () =>
            {
                db.Users.Add(new SystemUser { Id = "aaaaaaaaaaaaaaaaaaaaaaaa", Username = tracked.Username.ToUpperInvariant(), Email = "dup@example.com", Created = DateTimeOffset.UtcNow });
                try
                {
                    await log.CommitAsync(default);
                    return 1;
                }
                catch (DbUpdateException)
                {
                    return 0;
                }
            }, default);

            Succeeded(await update.ExecuteAsync(userId, new UserInput { Email = $"kept.{userId}@example.com" }, default));
            await log.CommitAsync(default);
            return 0;
        }, default);

        var stored = await UserAsync(userId);
        Assert.Equal(("Refuse", "User", $"kept.{userId}@example.com", (string?)null), (stored!.Firstname, stored.Lastname, stored.Email, stored.Manager));
        Assert.Equal([.. before, "UserUpsert"], await KindsAsync(domainId));
        await AssertDenseAsync(domainId);
    }

    private async Task<(string DomainId, string UserId)> BoundUserAsync(string prefix)
    {
        var domainId = await Cp.CreateDomainAsync($"DC={ApiAssert.Unique(prefix)};DC=example;DC=com");
        var userId = await Cp.CreateUserAsync(ApiAssert.Unique(prefix), char.ToUpperInvariant(prefix[0]) + prefix[1..], "User");
        await Cp.BindUserAsync(domainId, userId);
        return (domainId, userId);
    }

    private static T Succeeded<T>(CommandResult<T> result)
    {
        Assert.True(result.Succeeded, $"the command refused: {result.Error}");
        return result.Value!;
    }

    private async Task<ControlPlaneDb> NewDbAsync() => await Cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();

    private async Task<SystemUser?> UserAsync(string id)
    {
        await using var db = await NewDbAsync();
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
    }

    private async Task<SystemUser?> UserByNameAsync(string username)
    {
        await using var db = await NewDbAsync();
        var key = IdentityKey.Of(username);
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UsernameKey == key);
    }

    private async Task<List<string>> KindsAsync(string domainId)
    {
        await using var db = await NewDbAsync();
        return await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Kind).ToListAsync();
    }

    private async Task AssertDenseAsync(string domainId)
    {
        await using var db = await NewDbAsync();
        var seqs = await db.Changes.Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).Select(c => c.Seq).ToListAsync();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(seqs[^1], await db.Domains.Where(d => d.Id == domainId).Select(d => d.LastSeq).SingleAsync());
    }
}
