using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>Sets a user's password (checked against the policy): its hash, its vault entry, and a password set for each domain it reaches.</summary>
public sealed class SetUserPasswordCommand(ControlPlaneDb db, ChangeLog log, PasswordSync passwords, IOptions<PasswordPolicyOptions> policy)
{
    public Task<CommandResult<SystemUser>> ExecuteAsync(string id, string? password, CancellationToken ct) =>
        log.RunAsync<CommandResult<SystemUser>>(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return CommandError.NotFound("user");
            }

            if (string.IsNullOrEmpty(password))
            {
                return CommandError.Invalid("password", "password: is required", "invalidPassword");
            }

            if (UserRules.SetPasswordHash(user, password, policy.Value) is { } weak)
            {
                return weak;
            }

            await passwords.AppendAsync(user, password, ct);
            await log.CommitAsync(ct);
            return user;
        }, ct);
}
