using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>
/// Queues the domain's whole desired state so the primary agent repairs any drift (see <see cref="Reconciler"/>):
/// asked for by an admin over REST, by an agent over gRPC, and when an agent becomes primary.
/// </summary>
public sealed class ReconcileDomainCommand(Reconciler reconciler)
{
    /// <param name="passwords">Also re-send every user's password from the vault, set whether or not the account has one (a rebuilt DC).</param>
    public async Task<CommandResult<Reconciler.Range>> ExecuteAsync(string id, CancellationToken ct, bool passwords = false) =>
        await reconciler.AppendSnapshotAsync(id, passwords, ct) is { } range ? range : DomainErrors.NotFound;
}
