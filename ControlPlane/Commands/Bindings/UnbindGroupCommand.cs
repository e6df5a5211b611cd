using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Commands.Bindings;

/// <summary>
/// Unbinds a user group from a domain: the domain disconnects the group and every member it no longer reaches by
/// another path. Unbinding a group that is not bound changes nothing.
/// </summary>
public sealed class UnbindGroupCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<Binding>> ExecuteAsync(string domainId, string? groupId, CancellationToken ct) =>
        log.RunAsync<CommandResult<Binding>>(async () =>
        {
            var (domain, group, error) = await BindingChecks.TargetAsync(db, db.Groups, "user group", domainId, groupId, ct);
            if (error is not null)
            {
                return error;
            }

            var binding = new Binding(domain.Id, AssociationTypes.UserGroup, group.Id);
            if (await db.Associations.FindAsync([domain.Id, AssociationTypes.UserGroup, group.Id], ct) is not { } existing)
            {
                return binding;
            }

            var members = await sync.MembersAsync(group.Id, ct);
            var memberIds = members.ConvertAll(m => m.Id);
            var before = await sync.DomainsOfUsersAsync(memberIds, ct);
            db.Associations.Remove(existing);
            await log.SaveAsync(ct);
            await log.AppendAsync(domain.Id, ChangeFactory.GroupDisconnect(group), ct);
            var after = await sync.DomainsOfUsersAsync(memberIds, ct);
            foreach (var member in members)
            {
                await sync.UserChangedAsync(member, before[member.Id], after[member.Id], ct);
            }

            await log.CommitAsync(ct);
            return binding;
        }, ct);
}
