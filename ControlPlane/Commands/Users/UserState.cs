using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>What the state commands share: change the user, then send its state where it is bound.</summary>
internal static class UserState
{
    public static Task<CommandResult<SystemUser>> ChangeAsync(ControlPlaneDb db, ChangeLog log, DomainSync sync, string id, Action<SystemUser> change,
        bool explicitUnlock, CancellationToken ct) =>
        log.RunAsync<CommandResult<SystemUser>>(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return CommandError.NotFound("user");
            }

            change(user);
            var domains = await sync.DomainsOfUserAsync(id, ct);
            await log.SaveAsync(ct);
            await sync.UserChangedAsync(user, domains, ct, explicitUnlock);
            await log.CommitAsync(ct);
            return user;
        }, ct);
}
