using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>
/// Creates a system user (unbound, so no change entries except a password's vault entry). A unique username and
/// email (ignoring case), a unique employee id, an existing manager and a password the policy accepts.
/// </summary>
public sealed class CreateUserCommand(ControlPlaneDb db, ChangeLog log, PasswordSync passwords, TimeProvider time, IOptions<PasswordPolicyOptions> policy)
{
    public Task<CommandResult<SystemUser>> ExecuteAsync(UserInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return log.RunAsync<CommandResult<SystemUser>>(async () =>
        {
            if (input.Validate(creating: true) is { } invalid)
            {
                return invalid;
            }

            var username = input.Username!.Trim();
            var email = input.Email!.Trim();
            if (await UserRules.DuplicateAsync(db, username, email, exceptId: null, ct) is { } duplicate)
            {
                return duplicate;
            }

            var user = new SystemUser
            {
                Id = ObjectIds.New(time),
                Username = username,
                Email = email,
                Firstname = input.Firstname?.Trim() ?? "",
                Lastname = input.Lastname?.Trim() ?? "",
                Suspended = input.Suspended ?? false,
                Created = time.GetUtcNow(),
            };
            input.ApplyProfileTo(user, time);
            if (await UserRules.CheckProfileAsync(db, user, ct) is { } conflict)
            {
                return conflict;
            }

            var password = string.IsNullOrEmpty(input.Password) ? null : input.Password;
            if (password is not null && UserRules.SetPasswordHash(user, password, policy.Value) is { } weak)
            {
                return weak;
            }

            db.Users.Add(user);
            if (password is not null)
            {
                // Kept in the vault (unless seal-only): it reaches each domain the user is bound to later.
                await passwords.AppendAsync(user, password, ct);
            }

            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                // Another request took the name (or email) between the check and the commit: the unique index refused.
                return UserRules.Taken(user);
            }

            return user;
        }, ct);
    }
}
