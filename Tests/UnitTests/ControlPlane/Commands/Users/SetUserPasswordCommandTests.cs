using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using static JumpCloudAdi.UnitTests.ControlPlane.Commands.CommandAssert;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands.Users;

public sealed class SetUserPasswordCommandTests : IDisposable
{
    private readonly CommandHost _host = new();

    public void Dispose() => _host.Dispose();

    private Task<CommandResult<SystemUser>> SetAsync(string id, string? password) =>
        _host.RunAsync<SetUserPasswordCommand, CommandResult<SystemUser>>(c => c.ExecuteAsync(id, password, default));

    [Fact]
    public async Task The_password_becomes_the_vault_s_next_version_and_reaches_each_bound_domain_by_reference()
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainA, ada);

        Succeeded(await SetAsync(ada.Id, "Str0ng-Passw0rd!"));
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        Succeeded(await SetAsync(ada.Id, "An0ther-Passw0rd!"));

        Assert.Equal([$"PasswordSet {ada.Id}", $"PasswordSet {ada.Id}"], _host.Entries(CommandHost.DomainA));
        var set = _host.LastPayload(CommandHost.DomainA).GetProperty("passwordSet");
        Assert.Equal("2", set.GetProperty("vaultVersion").GetString());
        Assert.False(set.TryGetProperty("password", out _), "a vault reference carries no secret");
        using var db = _host.Db();
        var entry = await db.PasswordVault.AsNoTracking().SingleAsync(e => e.UserId == ada.Id);
        Assert.Equal((2, _host.Time.GetUtcNow()), (entry.Version, entry.UpdatedAt));
        Assert.Empty(_host.Entries(CommandHost.DomainB));
    }

    [Theory]
    [InlineData(null, "password: is required")]
    [InlineData("", "password: is required")]
    [InlineData("short", null)]
    [InlineData("Lovelace-2026", "password: must not contain a part of the user's name ('Lovelace')")]
    public async Task A_missing_or_weak_password_is_refused_and_nothing_is_stored(string? password, string? message)
    {
        var ada = _host.AddUser("ada");
        _host.Bind(CommandHost.DomainA, ada);
        var before = _host.Snapshot();

        var error = Failed(await SetAsync(ada.Id, password), CommandErrorKind.Invalid, "password", "invalidPassword");

        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }

        Assert.Equal(before, _host.Snapshot());
    }

    [Fact]
    public async Task An_unknown_user_is_not_found()
    {
        var before = _host.Snapshot();

        Failed(await SetAsync("0123456789abcdef01234567", "Str0ng-Passw0rd!"), CommandErrorKind.NotFound, null, null);

        Assert.Equal(before, _host.Snapshot());
    }
}
