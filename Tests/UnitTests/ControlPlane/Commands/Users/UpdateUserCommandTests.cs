using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Users;

public sealed class UpdateUserCommandTests : IDisposable
{
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    private Task<CommandResult<SystemUser>> UpdateAsync(string id, CommandResult<UserInput> input) =>
        _host.RunAsync<UpdateUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(id, input, default));

    [Fact]
    public async Task Only_the_given_fields_change_and_each_bound_domain_gets_the_user()
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainA, ada);

        var user = Succeeded(await UpdateAsync(ada.Id, new UserInput { Lastname = " King ", Department = "Math" }));

        Assert.Equal(("ada", "Ada", "King", "Math"), (user.Username, user.Firstname, user.Lastname, user.Department));
        Assert.Equal([$"UserUpsert {ada.Id}"], _host.Entries(CommandHost.DomainA));
        Assert.Equal("King", _host.LastPayload(CommandHost.DomainA).GetProperty("userUpsert").GetProperty("lastname").GetString());
        Assert.Empty(_host.Entries(CommandHost.DomainB));
        using var db = _host.Db();
        Assert.All(db.Changes, c => Assert.Equal(_host.Time.GetUtcNow(), c.CreatedAt));
    }

    [Fact]
    public async Task A_new_password_follows_the_upsert_where_the_user_is_bound()
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainA, ada);

        Succeeded(await UpdateAsync(ada.Id, new UserInput { Password = "Str0ng-Passw0rd!" }));

        Assert.Equal([$"UserUpsert {ada.Id}", $"PasswordSet {ada.Id}"], _host.Entries(CommandHost.DomainA));
    }

    [Fact]
    public async Task An_unknown_user_is_not_found_even_when_the_body_could_not_be_read()
    {
        var before = _host.Snapshot();

        var error = Failed(await UpdateAsync("0123456789abcdef01234567", CommandError.Invalid("body", "body: not valid JSON", "invalidBody")),
            CommandErrorKind.NotFound, null, null);

        Assert.Equal(("user not found", 404), (error.Message, error.HttpStatus));
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_body_that_could_not_be_read_is_reported_for_a_known_user()
    {
        var ada = _host.AddUser("ada");

        Failed(await UpdateAsync(ada.Id, CommandError.Invalid("body", "body: not valid JSON", "invalidBody")), CommandErrorKind.Invalid, "body", "invalidBody");
    }

    [Fact]
    public async Task A_bound_user_must_stay_syncable_and_nothing_is_stored_when_it_would_not()
    {
        var ada = _host.AddUser("ada");
        var group = _host.AddGroup("Engineers", ada);
        _host.Bind(CommandHost.DomainA, group);
        var before = _host.Snapshot();

        var error = Failed(await UpdateAsync(ada.Id, new UserInput { Username = "a-name-longer-than-twenty" }), CommandErrorKind.Invalid, "username", "invalidUsername");
        Assert.EndsWith("(the user is bound to an Active Directory domain)", error.Message, StringComparison.Ordinal);
        Failed(await UpdateAsync(ada.Id, new UserInput { Lastname = "" }), CommandErrorKind.Invalid, null, "missingName");

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task An_unbound_user_may_have_a_name_AD_would_refuse()
    {
        var ada = _host.AddUser("ada");

        Succeeded(await UpdateAsync(ada.Id, new UserInput { Username = "a-name-longer-than-twenty", Lastname = "" }));
    }

    [Fact]
    public async Task Another_user_s_email_is_a_conflict_and_nothing_is_stored()
    {
        var ada = _host.AddUser("ada");
        _host.AddUser("grace", email: "grace@example.org");
        _host.Bind(CommandHost.DomainA, ada);
        var before = _host.Snapshot();

        Failed(await UpdateAsync(ada.Id, new UserInput { Email = "GRACE@example.org", Firstname = "Changed" }), CommandErrorKind.Conflict, "email", "duplicateEmail");

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_weak_password_is_refused_before_anything_is_stored()
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainA, ada);
        var before = _host.Snapshot();

        Failed(await UpdateAsync(ada.Id, new UserInput { Firstname = "Changed", Password = "Changed1!" }), CommandErrorKind.Invalid, "password", "invalidPassword");

        Assert.Equal(before, _host.Snapshot());
        using var db = _host.Db();
        Assert.Equal("Ada", (await db.Users.AsNoTracking().SingleAsync(u => u.Id == ada.Id)).Firstname);
    }
}
