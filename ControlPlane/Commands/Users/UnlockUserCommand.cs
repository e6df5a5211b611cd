using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>Unlocks a user: each domain it reaches is told to clear the lockout, even if it was not locked here.</summary>
public sealed class UnlockUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<SystemUser>> ExecuteAsync(string id, CancellationToken ct) =>
        UserState.ChangeAsync(db, log, sync, id, u => u.AccountLocked = false, explicitUnlock: true, ct);
}
