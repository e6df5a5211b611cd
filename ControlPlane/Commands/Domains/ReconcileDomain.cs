using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>
/// Queues the domain's whole desired state so the primary agent repairs any drift (see <see cref="Reconciler"/>):
/// asked for by an admin over REST, by an agent over gRPC, and when an agent becomes primary.
/// </summary>
public sealed class ReconcileDomain(Reconciler reconciler)
{
    public async Task<CommandResult<Reconciler.Range>> ExecuteAsync(string id, CancellationToken ct) =>
        await reconciler.AppendSnapshotAsync(id, ct) is { } range ? range : DomainErrors.NotFound;
}
