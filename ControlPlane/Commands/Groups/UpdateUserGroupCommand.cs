using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>Renames a user group or changes its description; a rename goes to every domain the group is bound to.</summary>
public sealed class UpdateUserGroupCommand(ControlPlaneDb db, ChangeLog log, DomainSync sync)
{
    public Task<CommandResult<UserGroup>> ExecuteAsync(string id, GroupInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return log.RunAsync<CommandResult<UserGroup>>(async () =>
        {
            var group = await db.Groups.FindAsync([id], ct);
            if (group is null)
            {
                return CommandError.NotFound("user group");
            }

            if (GroupRules.ValidateName(input.Name) is { } invalid)
            {
                return invalid;
            }

            var name = input.Name!.Trim();
            if (await GroupRules.DuplicateAsync(db, name, exceptId: id, ct) is { } duplicate)
            {
                return duplicate;
            }

            var renamed = name != group.Name;
            group.Name = name;
            group.Description = input.Description ?? group.Description;
            if (renamed)
            {
                foreach (var domainId in await sync.DomainsOfGroupAsync(id, ct))
                {
                    await log.AppendAsync(domainId, ChangeFactory.GroupUpsert(group), ct);
                }
            }

            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                return CommandError.Conflict("name", $"name: a user group named '{name}' already exists (ignoring case)", "duplicateName");
            }

            return group;
        }, ct);
    }
}
