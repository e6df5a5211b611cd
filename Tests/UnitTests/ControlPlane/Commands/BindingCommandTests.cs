using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Bindings;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandTestData;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands;

/// <summary>Bind and unbind users and groups: the entries each appends, in order, and every refusal (nothing stored).</summary>
public sealed class BindingCommandTests : IAsyncLifetime
{
    private readonly CommandHost _host = new();

    public Task InitializeAsync() => SeedAsync(_host);

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private Task<CommandResult<Binding>> Run<TCommand>(Func<TCommand, Task<CommandResult<Binding>>> run)
        where TCommand : notnull => _host.RunAsync(run);

    [Fact]
    public async Task Binding_a_user_stores_the_binding_and_upserts_the_user_in_that_domain_only()
    {
        var result = await Run<BindUserCommand>(c => c.ExecuteAsync(DomainA, Ada, default));

        Assert.Equal(new Binding(DomainA, AssociationTypes.User, Ada), result.Value);
        Assert.Equal([$"1 UserUpsert {Ada}"], await EntriesAsync(_host, DomainA));
        Assert.Empty(await EntriesAsync(_host, DomainB));
        await using var db = _host.Db();
        Assert.True(await db.Associations.AnyAsync(a => a.DomainId == DomainA && a.TargetType == AssociationTypes.User && a.TargetId == Ada));
    }

    [Fact]
    public async Task Binding_a_group_tells_the_domain_the_group_then_its_users_then_who_is_in_it()
    {
        var result = await Run<BindGroupCommand>(c => c.ExecuteAsync(DomainA, Engineers, default));

        Assert.True(result.Succeeded);
        var entries = await EntriesAsync(_host, DomainA);
        Assert.Equal($"1 GroupUpsert {Engineers}", entries[0]);
        Assert.Equal([$"UserUpsert {Ada}", $"UserUpsert {Alan}"], entries[1..3].Select(e => e[2..]).Order(StringComparer.Ordinal));
        Assert.Equal($"4 MembershipSet {Engineers}", entries[3]);
        Assert.Equal(4, entries.Count);
    }

    [Fact]
    public async Task Unbinding_a_user_still_reached_through_a_group_upserts_it_instead_of_disconnecting_it()
    {
        await BindAsync(_host, DomainA, AssociationTypes.User, Ada);
        await BindAsync(_host, DomainA, AssociationTypes.UserGroup, Engineers);

        var result = await Run<UnbindUserCommand>(c => c.ExecuteAsync(DomainA, Ada, default));

        Assert.True(result.Succeeded);
        Assert.Equal([$"1 UserUpsert {Ada}"], await EntriesAsync(_host, DomainA));
        await using var db = _host.Db();
        Assert.False(await db.Associations.AnyAsync(a => a.TargetType == AssociationTypes.User));
    }

    [Fact]
    public async Task Unbinding_a_directly_bound_user_disconnects_it()
    {
        await BindAsync(_host, DomainA, AssociationTypes.User, Ada);

        await Run<UnbindUserCommand>(c => c.ExecuteAsync(DomainA, Ada, default));

        Assert.Equal([$"1 UserDisconnect {Ada}"], await EntriesAsync(_host, DomainA));
    }

    [Fact]
    public async Task Unbinding_a_group_disconnects_it_and_the_members_no_other_path_reaches()
    {
        await BindAsync(_host, DomainA, AssociationTypes.UserGroup, Engineers);
        await BindAsync(_host, DomainA, AssociationTypes.User, Alan);

        var result = await Run<UnbindGroupCommand>(c => c.ExecuteAsync(DomainA, Engineers, default));

        Assert.True(result.Succeeded);
        var entries = await EntriesAsync(_host, DomainA);
        Assert.Equal($"1 GroupDisconnect {Engineers}", entries[0]);
        Assert.Equal([$"UserDisconnect {Ada}", $"UserUpsert {Alan}"], entries[1..].Select(e => e[2..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Unbinding_what_is_not_bound_succeeds_and_changes_nothing()
    {
        var before = _host.Snapshot();

        Assert.True((await Run<UnbindGroupCommand>(c => c.ExecuteAsync(DomainA, Engineers, default))).Succeeded);
        Assert.True((await Run<UnbindUserCommand>(c => c.ExecuteAsync(DomainA, Alan, default))).Succeeded);

        // A user who was never reached is "disconnected" from nothing: no entry.
        Assert.Equal(before, _host.Snapshot());
    }

    public static TheoryData<string, string, string?, CommandErrorKind, string?, string> Refusals => new()
    {
        { "bindUser", DomainA, "", CommandErrorKind.Invalid, "id", "id: the id of the user or user group is required" },
        { "bindUser", Missing, Ada, CommandErrorKind.NotFound, null, "Active Directory instance not found" },
        { "bindUser", DomainA, Missing, CommandErrorKind.NotFound, null, "user not found" },
        { "bindUser", DomainA, Nameless, CommandErrorKind.Invalid, "firstname", "firstname, lastname: a user bound to an Active Directory domain must have a first and last name" },
        { "unbindUser", DomainA, null, CommandErrorKind.Invalid, "id", "id: the id of the user or user group is required" },
        { "unbindUser", Missing, Ada, CommandErrorKind.NotFound, null, "Active Directory instance not found" },
        { "unbindUser", DomainA, Missing, CommandErrorKind.NotFound, null, "user not found" },
        { "bindGroup", DomainA, "", CommandErrorKind.Invalid, "id", "id: the id of the user or user group is required" },
        { "bindGroup", Missing, Engineers, CommandErrorKind.NotFound, null, "Active Directory instance not found" },
        { "bindGroup", DomainA, Missing, CommandErrorKind.NotFound, null, "user group not found" },
        { "unbindGroup", Missing, Engineers, CommandErrorKind.NotFound, null, "Active Directory instance not found" },
        { "unbindGroup", DomainA, Missing, CommandErrorKind.NotFound, null, "user group not found" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusals_store_nothing(string command, string domainId, string? targetId, CommandErrorKind kind, string? field, string message)
    {
        var before = _host.Snapshot();

        var result = command switch
        {
            "bindUser" => await Run<BindUserCommand>(c => c.ExecuteAsync(domainId, targetId, default)),
            "unbindUser" => await Run<UnbindUserCommand>(c => c.ExecuteAsync(domainId, targetId, default)),
            "bindGroup" => await Run<BindGroupCommand>(c => c.ExecuteAsync(domainId, targetId, default)),
            _ => await Run<UnbindGroupCommand>(c => c.ExecuteAsync(domainId, targetId, default)),
        };

        Assert.Equal((kind, field, message), (result.Error?.Kind, result.Error?.Field, result.Error?.Message));
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_group_with_an_unbindable_member_is_not_bound_and_nothing_is_stored()
    {
        await using (var db = _host.Db())
        {
            db.GroupMembers.Add(new GroupMember { GroupId = Engineers, UserId = Nameless });
            await db.SaveChangesAsync();
        }

        var before = _host.Snapshot();

        var result = await Run<BindGroupCommand>(c => c.ExecuteAsync(DomainA, Engineers, default));

        Assert.Equal(CommandErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("missingName", result.Error!.Status);
        Assert.StartsWith("member nameless of group engineers: ", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _host.Snapshot());
    }
}
