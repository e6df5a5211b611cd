using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Bindings;

/// <summary>Binds a user to a domain directly: the domain gets the user (and its password, where it has none yet).</summary>
public sealed class BindUserCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<Binding>> ExecuteAsync(string domainId, string? userId, CancellationToken ct) =>
        log.RunAsync<CommandResult<Binding>>(async () =>
        {
            var (domain, user, error) = await BindingChecks.TargetAsync(db, db.Users, "user", domainId, userId, ct);
            if (error is not null)
            {
                return error;
            }

            if (AdRules.CheckBindable(user) is { } problem)
            {
                return CommandError.Invalid(problem.Status == "missingName" ? "firstname" : "username", problem.Message, problem.Status);
            }

            var before = await sync.DomainsOfUserAsync(user.Id, ct);
            if (await db.Associations.FindAsync([domain.Id, AssociationTypes.User, user.Id], ct) is null)
            {
                db.Associations.Add(new DomainAssociation { DomainId = domain.Id, TargetType = AssociationTypes.User, TargetId = user.Id });
            }

            await log.SaveAsync(ct);
            await sync.UserChangedAsync(user, before, ct);
            await log.CommitAsync(ct);
            return new Binding(domain.Id, AssociationTypes.User, user.Id);
        }, ct);
}
