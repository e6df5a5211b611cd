using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Groups;

/// <summary>Create, update and delete of user groups.</summary>
public sealed class UserGroupCommandTests : IDisposable
{
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    private Task<CommandResult<UserGroup>> CreateAsync(string? name, string? description = null) =>
        _host.RunAsync<CreateUserGroupCommand, CommandResult<UserGroup>>(c => c.ExecuteAsync(new GroupInput(name, description), default));

    private Task<CommandResult<UserGroup>> UpdateAsync(string id, string? name, string? description = null) =>
        _host.RunAsync<UpdateUserGroupCommand, CommandResult<UserGroup>>(c => c.ExecuteAsync(id, new GroupInput(name, description), default));

    private Task<CommandResult<UserGroup>> DeleteAsync(string id) =>
        _host.RunAsync<DeleteUserGroupCommand, CommandResult<UserGroup>>(c => c.ExecuteAsync(id, default));

    [Fact]
    public async Task Create_stores_the_trimmed_name_with_an_id_from_the_clock()
    {
        var group = Succeeded(await CreateAsync("  Compiler Team ", "Language tools"));

        Assert.Equal(("Compiler Team", "Language tools"), (group.Name, group.Description));
        Assert.Equal(ObjectIds.New(_host.Time)[..8], group.Id[..8]);
        using var db = _host.Db();
        Assert.Equal("Compiler Team", (await db.Groups.AsNoTracking().SingleAsync()).Name);
        Assert.Empty(db.Changes);
    }

    [Theory]
    [InlineData(null, "nullName", "name: is required")]
    [InlineData("  ", "nullName", "name: is required")]
    [InlineData("Bad:Name", "invalidName", "name: 'Bad:Name' contains a character AD does not allow in a group name")]
    [InlineData("a-name-of-sixty-five-characters-is-one-more-than-ad-allows-xxxxxx", "invalidName", "name: at most 64 characters (an AD sAMAccountName limit)")]
    public async Task Create_and_update_refuse_a_bad_name_and_store_nothing(string? name, string status, string message)
    {
        var existing = _host.AddGroup("Existing");
        var before = _host.Snapshot();

        Assert.Equal(message, Failed(await CreateAsync(name), CommandErrorKind.Invalid, "name", status).Message);
        Assert.Equal(message, Failed(await UpdateAsync(existing.Id, name), CommandErrorKind.Invalid, "name", status).Message);

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_name_taken_ignoring_case_is_a_conflict_for_create_and_update()
    {
        _host.AddGroup("Engineers");
        var other = _host.AddGroup("Other");
        var before = _host.Snapshot();

        var created = Failed(await CreateAsync("ENGINEERS"), CommandErrorKind.Conflict, "name", "duplicateName");
        Assert.Equal("name: a user group named 'Engineers' already exists (group names ignore case)", created.Message);
        Failed(await UpdateAsync(other.Id, "engineers"), CommandErrorKind.Conflict, "name", "duplicateName");

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_rename_goes_to_each_bound_domain_and_a_new_description_alone_goes_nowhere()
    {
        var group = _host.AddGroup("Engineers");
        _host.Bind(CommandHost.DomainA, group);

        Succeeded(await UpdateAsync(group.Id, "Engineers", "only the description"));
        Assert.Empty(_host.Entries(CommandHost.DomainA));

        var renamed = Succeeded(await UpdateAsync(group.Id, "Builders"));
        Assert.Equal(("Builders", "only the description"), (renamed.Name, renamed.Description));
        Assert.Equal([$"GroupUpsert {group.Id}"], _host.Entries(CommandHost.DomainA));
        Assert.Equal("Builders", _host.LastPayload(CommandHost.DomainA).GetProperty("groupUpsert").GetProperty("name").GetString());
        Assert.Empty(_host.Entries(CommandHost.DomainB));
    }

    [Fact]
    public async Task Update_and_delete_of_an_unknown_group_are_not_found()
    {
        var before = _host.Snapshot();

        Assert.Equal("user group not found", Failed(await UpdateAsync("0123456789abcdef01234567", "Name"), CommandErrorKind.NotFound, null, null).Message);
        Failed(await DeleteAsync("0123456789abcdef01234567"), CommandErrorKind.NotFound, null, null);

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task Delete_disconnects_the_group_then_the_members_it_alone_brought_to_the_domain()
    {
        var ada = _host.AddUser("ada");
        var grace = _host.AddUser("grace", "Grace", "Hopper");
        var group = _host.AddGroup("Engineers", ada, grace);
        _host.Bind(CommandHost.DomainA, group);
        _host.Bind(CommandHost.DomainA, grace);

        Succeeded(await DeleteAsync(group.Id));

        // grace is still bound directly: she is upserted, not disconnected.
        var entries = _host.Entries(CommandHost.DomainA);
        Assert.Equal($"GroupDisconnect {group.Id}", entries[0]);
        Assert.Equal([$"UserDisconnect {ada.Id}", $"UserUpsert {grace.Id}"], entries[1..].Order(StringComparer.Ordinal));
        using var db = _host.Db();
        Assert.Empty(db.Groups);
        Assert.Empty(db.GroupMembers);
        Assert.DoesNotContain(db.Associations, a => a.TargetId == group.Id);
        Assert.Equal(2, await db.Users.CountAsync());
    }
}
