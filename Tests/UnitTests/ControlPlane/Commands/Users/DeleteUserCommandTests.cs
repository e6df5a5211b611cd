using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Users;

public sealed class DeleteUserCommandTests : IDisposable
{
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    private Task<CommandResult<SystemUser>> DeleteAsync(string id) =>
        _host.RunAsync<DeleteUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(id, default));

    [Fact]
    public async Task The_user_and_everything_that_refers_to_it_go_and_each_domain_it_reached_hears_of_it()
    {
        var ada = _host.AddUser("ada");
        var grace = _host.AddUser("grace", "Grace", "Hopper");
        var group = _host.AddGroup("Engineers", ada, grace);
        _host.Bind(CommandHost.DomainA, group);
        _host.Bind(CommandHost.DomainB, ada);
        Succeeded(await _host.RunAsync<SetUserPasswordCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(ada.Id, "Str0ng-Passw0rd!", default)));
        var seqA = _host.Entries(CommandHost.DomainA).Count;
        var seqB = _host.Entries(CommandHost.DomainB).Count;

        var deleted = Succeeded(await DeleteAsync(ada.Id));

        Assert.Equal("ada", deleted.Username);
        Assert.Equal([$"MembershipSet {group.Id}", $"UserDisconnect {ada.Id}"], _host.Entries(CommandHost.DomainA)[seqA..]);
        Assert.Equal(["grace"], _host.LastPayloadOf(CommandHost.DomainA, "MembershipSet").GetProperty("membershipSet").GetProperty("memberUsernames")
            .EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([$"UserDisconnect {ada.Id}"], _host.Entries(CommandHost.DomainB)[seqB..]);
        using var db = _host.Db();
        Assert.DoesNotContain(db.Users, u => u.Id == ada.Id);
        Assert.DoesNotContain(db.GroupMembers, m => m.UserId == ada.Id);
        Assert.DoesNotContain(db.Associations, a => a.TargetId == ada.Id);
        Assert.DoesNotContain(db.PasswordVault, e => e.UserId == ada.Id);
    }

    [Fact]
    public async Task An_unknown_user_is_not_found_and_nothing_changes()
    {
        _host.AddUser("ada");
        var before = _host.Snapshot();

        Failed(await DeleteAsync("0123456789abcdef01234567"), CommandErrorKind.NotFound, null, null);

        Assert.Equal(before, _host.Snapshot());
    }
}
