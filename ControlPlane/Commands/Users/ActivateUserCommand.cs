using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>Activates a (suspended) user: each domain it reaches enables the account.</summary>
public sealed class ActivateUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<SystemUser>> ExecuteAsync(string id, CancellationToken ct) =>
        UserState.ChangeAsync(db, log, sync, id, u => u.Suspended = false, explicitUnlock: false, ct);
}
