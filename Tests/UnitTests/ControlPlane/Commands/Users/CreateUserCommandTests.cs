using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Users;

public sealed class CreateUserCommandTests : IDisposable
{
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    private Task<CommandResult<SystemUser>> CreateAsync(UserInput input) =>
        _host.RunAsync<CreateUserCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(input, default));

    private static UserInput Ada(string? password = null) => new()
    {
        Username = "ada.lovelace",
        Email = "ada@example.org",
        Firstname = " Ada ",
        Lastname = "Lovelace",
        Password = password,
        JobTitle = "Analyst",
    };

    [Fact]
    public async Task A_valid_user_is_stored_trimmed_with_the_clock_s_time_and_no_change_entry()
    {
        var user = Succeeded(await CreateAsync(Ada()));

        Assert.Equal("ada.lovelace", user.Username);
        Assert.Equal(_host.Time.GetUtcNow(), user.Created);
        Assert.True(ObjectIds.IsValid(user.Id));
        using var db = _host.Db();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
        Assert.Equal(("ada.lovelace", "Ada", "ada@example.org", "Analyst", false), (stored.Username, stored.Firstname, stored.Email, stored.JobTitle, stored.Suspended));
        Assert.Null(stored.PasswordHash);
        Assert.Empty(db.Changes);
    }

    [Fact]
    public async Task A_password_is_hashed_and_kept_in_the_vault()
    {
        var user = Succeeded(await CreateAsync(Ada("Str0ng-Passw0rd!")));

        using var db = _host.Db();
        Assert.NotNull((await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id)).PasswordHash);
        var entry = await db.PasswordVault.AsNoTracking().SingleAsync(e => e.UserId == user.Id);
        Assert.Equal((1, _host.Time.GetUtcNow()), (entry.Version, entry.UpdatedAt));
    }

    [Theory]
    [InlineData(null, "ada@example.org", "username", "invalidUsername")]
    [InlineData("ada lovelace", "ada@example.org", "username", "invalidUsername")]
    [InlineData("ada", "not-an-email", "email", "invalidEmail")]
    public async Task Invalid_input_is_refused_and_nothing_is_stored(string? username, string email, string field, string status)
    {
        var before = _host.Snapshot();

        var error = Failed(await CreateAsync(Ada() with { Username = username, Email = email }), CommandErrorKind.Invalid, field, status);

        Assert.StartsWith($"{field}: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_field_longer_than_the_limit_is_refused_whoever_calls()
    {
        var before = _host.Snapshot();

        var error = Failed(await CreateAsync(Ada() with { Firstname = new string('a', UserInput.MaxLength + 1) }), CommandErrorKind.Invalid, "firstname", "invalidFirstname");

        Assert.Equal($"firstname: at most {UserInput.MaxLength} characters", error.Message);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_weak_password_is_refused_and_neither_user_nor_vault_entry_is_stored()
    {
        var before = _host.Snapshot();

        var error = Failed(await CreateAsync(Ada("short")), CommandErrorKind.Invalid, "password", "invalidPassword");

        Assert.Contains("at least", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task A_username_taken_ignoring_case_is_a_conflict_and_nothing_is_stored()
    {
        _host.AddUser("Ada.Lovelace", email: "other@example.org");
        var before = _host.Snapshot();

        var error = Failed(await CreateAsync(Ada("Str0ng-Passw0rd!")), CommandErrorKind.Conflict, "username", "duplicateUsername");

        Assert.Equal("username: 'ada.lovelace' already exists as 'Ada.Lovelace' (usernames ignore case)", error.Message);
        Assert.Equal(409, error.HttpStatus);
        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task An_email_taken_is_a_conflict()
    {
        _host.AddUser("someone", email: "ada@example.org");

        Failed(await CreateAsync(Ada()), CommandErrorKind.Conflict, "email", "duplicateEmail");
    }

    [Fact]
    public async Task An_employee_id_of_another_user_is_a_conflict_and_an_unknown_manager_is_invalid()
    {
        Succeeded(await CreateAsync(Ada() with { Username = "first", Email = "first@example.org", EmployeeIdentifier = "E-1" }));
        var before = _host.Snapshot();

        Failed(await CreateAsync(Ada() with { EmployeeIdentifier = "E-1" }), CommandErrorKind.Conflict, "employeeIdentifier", "duplicateEmployeeIdentifier");
        Failed(await CreateAsync(Ada() with { Manager = "0123456789abcdef01234567" }), CommandErrorKind.Invalid, "manager", "invalidManager");
        Assert.Equal(before, _host.Snapshot());
    }
}
