using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Bindings;

/// <summary>
/// Binds a user group to a domain. Every member must be bindable (a first and last name, a valid sAMAccountName), or
/// nothing is bound. The domain is told the group first, then its users, then who is in it, so the agent can resolve
/// every member it is told about.
/// </summary>
public sealed class BindGroupCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<Binding>> ExecuteAsync(string domainId, string? groupId, CancellationToken ct) =>
        log.RunAsync<CommandResult<Binding>>(async () =>
        {
            var (domain, group, error) = await BindingChecks.TargetAsync(db, db.Groups, "user group", domainId, groupId, ct);
            if (error is not null)
            {
                return error;
            }

            var members = await sync.MembersAsync(group.Id, ct);
            foreach (var member in members)
            {
                if (AdRules.CheckBindable(member) is { } problem)
                {
                    return new CommandError(CommandErrorKind.Invalid, $"member {member.Username} of group {group.Name}: {problem.Message}", Status: problem.Status);
                }
            }

            var before = await sync.DomainsOfUsersAsync(members.ConvertAll(m => m.Id), ct);
            if (await db.Associations.FindAsync([domain.Id, AssociationTypes.UserGroup, group.Id], ct) is null)
            {
                db.Associations.Add(new DomainAssociation { DomainId = domain.Id, TargetType = AssociationTypes.UserGroup, TargetId = group.Id });
            }

            await log.SaveAsync(ct);
            await log.AppendAsync(domain.Id, ChangeFactory.GroupUpsert(group), ct);
            foreach (var member in members)
            {
                // Binding the group adds exactly this domain to what each of its members reaches.
                await sync.UserChangedAsync(member, before[member.Id], new HashSet<string>(before[member.Id]) { domain.Id }, ct);
            }

            await log.AppendAsync(domain.Id, ChangeFactory.MembershipSet(group, await sync.MemberUsernamesAsync(group.Id, ct)), ct);
            await log.CommitAsync(ct);
            return new Binding(domain.Id, AssociationTypes.UserGroup, group.Id);
        }, ct);
}
