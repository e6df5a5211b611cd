using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>
/// Queues the domain's whole desired state so the primary agent repairs any drift (see <see cref="Reconciler"/>):
/// asked for by an admin over REST, by an agent over gRPC, and when an agent becomes primary.
/// </summary>
public sealed class ReconcileDomain(Reconciler reconciler)
{
    public Task<CommandResult<Reconciler.Range>> ExecuteAsync(string id, CancellationToken ct) => ExecuteAsync(id, passwords: false, ct);

    /// <summary>With <paramref name="passwords"/>, every user's password is re-sent from the vault (a rebuilt DC).</summary>
    public async Task<CommandResult<Reconciler.Range>> ExecuteAsync(string id, bool passwords, CancellationToken ct) =>
        await reconciler.AppendSnapshotAsync(id, passwords, ct) is { } range ? range : DomainErrors.NotFound;
}
