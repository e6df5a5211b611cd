using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>Suspends a user: each domain it reaches disables the account.</summary>
public sealed class SuspendUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<SystemUser>> ExecuteAsync(string id, CancellationToken ct) =>
        UserState.ChangeAsync(db, log, sync, id, u => u.Suspended = true, explicitUnlock: false, ct);
}
