using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Groups;

/// <summary>Adding and removing group members.</summary>
public sealed class GroupMemberCommandTests : IDisposable
{
    private const string Unknown = "0123456789abcdef01234567";
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    private Task<CommandResult<MembershipChange>> AddAsync(string groupId, string? userId) =>
        _host.RunAsync<AddGroupMemberCommand, CommandResult<MembershipChange>>(c => c.ExecuteAsync(groupId, userId, default));

    private Task<CommandResult<MembershipChange>> RemoveAsync(string groupId, string? userId) =>
        _host.RunAsync<RemoveGroupMemberCommand, CommandResult<MembershipChange>>(c => c.ExecuteAsync(groupId, userId, default));

    private static string[] Members(System.Text.Json.JsonElement payload) =>
        [.. payload.GetProperty("membershipSet").GetProperty("memberUsernames").EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Joining_a_bound_group_brings_the_user_then_its_password_then_the_member_list()
    {
        var ada = _host.AddUser("ada");
        Succeeded(await _host.RunAsync<SetUserPasswordCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(ada.Id, "Str0ng-Passw0rd!", default)));
        var group = _host.AddGroup("Engineers");
        _host.Bind(CommandHost.DomainA, group);

        var change = Succeeded(await AddAsync(group.Id, ada.Id));

        Assert.True(change.Changed);
        Assert.Equal([$"UserUpsert {ada.Id}", $"PasswordSet {ada.Id}", $"MembershipSet {group.Id}"], _host.Entries(CommandHost.DomainA));
        Assert.Equal(["ada"], Members(_host.LastPayload(CommandHost.DomainA)));
    }

    [Fact]
    public async Task Several_users_join_and_leave_in_one_command_each_with_one_member_list_and_a_refused_user_named()
    {
        var ada = _host.AddUser("ada");
        var bob = _host.AddUser("bob", "Bob", "Builder");
        var nameless = _host.AddUser("nameless", firstname: "", lastname: "");
        var group = _host.AddGroup("Engineers");
        _host.Bind(CommandHost.DomainA, group);

        var joined = Succeeded(await _host.RunAsync<AddGroupMemberCommand, CommandResult<MembersChange>>(c =>
            c.ExecuteAsync(group.Id, [ada.Id, nameless.Id, bob.Id, Unknown], default)));

        Assert.Equal(2, joined.Changed);
        Assert.Equal([(nameless.Id, "missingName"), (Unknown, null)], joined.Refused.Select(r => (r.UserId, r.Error.Status)));
        Assert.Equal([$"UserUpsert {ada.Id}", $"UserUpsert {bob.Id}", $"MembershipSet {group.Id}"], _host.Entries(CommandHost.DomainA));
        Assert.Equal(["ada", "bob"], Members(_host.LastPayload(CommandHost.DomainA)).Order());

        var left = Succeeded(await _host.RunAsync<RemoveGroupMemberCommand, CommandResult<MembersChange>>(c =>
            c.ExecuteAsync(group.Id, [ada.Id, bob.Id, nameless.Id], default)));

        Assert.Equal(2, left.Changed);
        Assert.Empty(left.Refused);
        Assert.Equal([$"MembershipSet {group.Id}", $"UserDisconnect {ada.Id}", $"UserDisconnect {bob.Id}"], _host.Entries(CommandHost.DomainA).Skip(3));
        Assert.False(_host.LastPayloadOf(CommandHost.DomainA, "MembershipSet").GetProperty("membershipSet").TryGetProperty("memberUsernames", out _)); // empty: no members left
    }

    [Fact]
    public async Task Adding_a_member_twice_or_removing_a_non_member_changes_nothing()
    {
        var ada = _host.AddUser("ada");
        var group = _host.AddGroup("Engineers", ada);
        var loner = _host.AddUser("loner", "Lone", "Ranger");
        _host.Bind(CommandHost.DomainA, group);
        var before = _host.Snapshot();

        Assert.False(Succeeded(await AddAsync(group.Id, ada.Id)).Changed);
        Assert.False(Succeeded(await RemoveAsync(group.Id, loner.Id)).Changed);

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_bound_group_refuses_a_user_AD_could_not_hold_and_nothing_is_stored()
    {
        var nameless = _host.AddUser("nameless", firstname: "", lastname: "");
        var group = _host.AddGroup("Engineers");
        _host.Bind(CommandHost.DomainA, group);
        var before = _host.Snapshot();

        var error = Failed(await AddAsync(group.Id, nameless.Id), CommandErrorKind.Invalid, null, "missingName");

        Assert.StartsWith("group Engineers is bound to an Active Directory domain: firstname, lastname:", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task An_unbound_group_takes_any_user()
    {
        var nameless = _host.AddUser("nameless", firstname: "", lastname: "");
        var group = _host.AddGroup("Engineers");

        Assert.True(Succeeded(await AddAsync(group.Id, nameless.Id)).Changed);
    }

    [Fact]
    public async Task Leaving_sends_the_member_list_first_then_disconnects_a_user_no_longer_reaching_the_domain()
    {
        var ada = _host.AddUser("ada");
        var grace = _host.AddUser("grace", "Grace", "Hopper");
        var group = _host.AddGroup("Engineers", ada, grace);
        _host.Bind(CommandHost.DomainA, group);

        Assert.True(Succeeded(await RemoveAsync(group.Id, ada.Id)).Changed);

        Assert.Equal([$"MembershipSet {group.Id}", $"UserDisconnect {ada.Id}"], _host.Entries(CommandHost.DomainA));
        Assert.Equal(["grace"], Members(_host.LastPayloadOf(CommandHost.DomainA, "MembershipSet")));
    }

    [Fact]
    public async Task The_group_is_looked_up_before_the_user_and_either_missing_is_not_found()
    {
        var ada = _host.AddUser("ada");
        var group = _host.AddGroup("Engineers");
        var before = _host.Snapshot();

        Assert.Equal("user group not found", Failed(await AddAsync(Unknown, Unknown), CommandErrorKind.NotFound, null, null).Message);
        Assert.Equal("user group not found", Failed(await RemoveAsync(Unknown, ada.Id), CommandErrorKind.NotFound, null, null).Message);
        Assert.Equal("user not found", Failed(await AddAsync(group.Id, Unknown), CommandErrorKind.NotFound, null, null).Message);
        Assert.Equal("user not found", Failed(await RemoveAsync(group.Id, null), CommandErrorKind.NotFound, null, null).Message);

        Assert.Equal(before, _host.Snapshot());
    }
}
