using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>
/// Changes the fields <see cref="UserInput"/> names. A user bound to a domain must stay syncable into AD; each domain
/// it reaches gets the user's new state, and a new password follows.
/// </summary>
public sealed class UpdateUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync, PasswordSync passwords, TimeProvider time,
    IOptions<PasswordPolicyOptions> policy)
{
    /// <summary>
    /// Updates user <paramref name="id"/>. <paramref name="input"/> may be the error of a body that could not be read:
    /// an unknown user is reported first, then that error.
    /// </summary>
    public Task<CommandResult<SystemUser>> ExecuteAsync(string id, CommandResult<UserInput> input, CancellationToken ct) =>
        log.RunAsync<CommandResult<SystemUser>>(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return CommandError.NotFound("user");
            }

            if (input.Error is { } unreadable)
            {
                return unreadable;
            }

            var given = input.Value!;
            if (given.Validate(creating: false) is { } invalid)
            {
                return invalid;
            }

            var username = given.Username?.Trim() ?? user.Username;
            var email = given.Email?.Trim() ?? user.Email;
            if (await UserRules.DuplicateAsync(db, username, email, exceptId: id, ct) is { } duplicate)
            {
                return duplicate;
            }

            var domains = await sync.DomainsOfUserAsync(id, ct);
            user.Username = username;
            user.Email = email;
            user.Firstname = given.Firstname?.Trim() ?? user.Firstname;
            user.Lastname = given.Lastname?.Trim() ?? user.Lastname;
            user.Suspended = given.Suspended ?? user.Suspended;
            given.ApplyProfileTo(user, time);
            if (await UserRules.CheckProfileAsync(db, user, ct) is { } conflict)
            {
                return conflict;
            }

            if (domains.Count > 0 && UserRules.CheckBindable(user, m => $"{m} (the user is bound to an Active Directory domain)") is { } unbindable)
            {
                return unbindable;
            }

            var password = string.IsNullOrEmpty(given.Password) ? null : given.Password;
            if (password is not null && UserRules.SetPasswordHash(user, password, policy.Value) is { } weak)
            {
                return weak;
            }

            try
            {
                await log.SaveAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                return UserRules.Taken(user);
            }

            await sync.UserChangedAsync(user, domains, ct);
            if (password is not null)
            {
                await passwords.AppendAsync(user, password, ct);
            }

            await log.CommitAsync(ct);
            return user;
        }, ct);
}
