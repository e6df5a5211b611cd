using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>Creates a user group (bound nowhere yet, so no change entries).</summary>
public sealed class CreateUserGroupCommand(ControlPlaneDb db, ChangeLog log, TimeProvider time)
{
    public Task<CommandResult<UserGroup>> ExecuteAsync(GroupInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return log.RunAsync<CommandResult<UserGroup>>(async () =>
        {
            if (GroupRules.ValidateName(input.Name) is { } invalid)
            {
                return invalid;
            }

            var name = input.Name!.Trim();
            if (await GroupRules.DuplicateAsync(db, name, exceptId: null, ct) is { } duplicate)
            {
                return duplicate;
            }

            var group = new UserGroup { Id = ObjectIds.New(time), Name = name, Description = input.Description };
            db.Groups.Add(group);
            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                return CommandError.Conflict("name", $"name: a user group named '{name}' already exists", "duplicateName");
            }

            return group;
        }, ct);
    }
}
