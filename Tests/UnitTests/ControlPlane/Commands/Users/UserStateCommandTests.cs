using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Users;

/// <summary>Suspend, activate and unlock.</summary>
public sealed class UserStateCommandTests : IDisposable
{
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Suspend_then_activate_send_the_state_to_each_domain_the_user_reaches_through_a_group()
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainA, _host.AddGroup("Engineers", ada));

        var suspended = Succeeded(await _host.RunAsync<SuspendUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(ada.Id, default)));
        Assert.True(suspended.Suspended);
        Assert.True(_host.LastPayload(CommandHost.DomainA).GetProperty("userUpsert").GetProperty("suspended").GetBoolean());

        var active = Succeeded(await _host.RunAsync<ActivateUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(ada.Id, default)));
        Assert.False(active.Suspended);
        Assert.False(_host.LastPayload(CommandHost.DomainA).GetProperty("userUpsert").TryGetProperty("suspended", out _), "false is protobuf JSON's default, left out");
        Assert.Equal([$"UserUpsert {ada.Id}", $"UserUpsert {ada.Id}"], _host.Entries(CommandHost.DomainA));
    }

    [Fact]
    public async Task Unlock_asks_each_domain_to_clear_the_lockout_explicitly()
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainB, ada);

        Succeeded(await _host.RunAsync<UnlockUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(ada.Id, default)));

        Assert.True(_host.LastPayload(CommandHost.DomainB).GetProperty("userUpsert").GetProperty("explicitUnlock").GetBoolean());
    }

    [Fact]
    public async Task Each_state_command_reports_an_unknown_user_as_not_found_and_changes_nothing()
    {
        const string unknown = "0123456789abcdef01234567";
        var before = _host.Snapshot();

        Failed(await _host.RunAsync<SuspendUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(unknown, default)), CommandErrorKind.NotFound, null, null);
        Failed(await _host.RunAsync<ActivateUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(unknown, default)), CommandErrorKind.NotFound, null, null);
        Failed(await _host.RunAsync<UnlockUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(unknown, default)), CommandErrorKind.NotFound, null, null);

        Assert.Equal(before, _host.Snapshot());
    }
}
