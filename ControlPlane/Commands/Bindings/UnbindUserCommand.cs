using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Bindings;

/// <summary>
/// Removes a user's direct binding to a domain: the domain disconnects the user unless a bound group still reaches it
/// (then it gets the user's current state again, which is harmless). Unbinding what is not bound changes nothing.
/// </summary>
public sealed class UnbindUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<Binding>> ExecuteAsync(string domainId, string? userId, CancellationToken ct) =>
        log.RunAsync<CommandResult<Binding>>(async () =>
        {
            var (domain, user, error) = await BindingChecks.TargetAsync(db, db.Users, "user", domainId, userId, ct);
            if (error is not null)
            {
                return error;
            }

            var before = await sync.DomainsOfUserAsync(user.Id, ct);
            if (await db.Associations.FindAsync([domain.Id, AssociationTypes.User, user.Id], ct) is { } existing)
            {
                db.Associations.Remove(existing);
            }

            await log.SaveAsync(ct);
            await sync.UserChangedAsync(user, before, ct);
            await log.CommitAsync(ct);
            return new Binding(domain.Id, AssociationTypes.User, user.Id);
        }, ct);
}
