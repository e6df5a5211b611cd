using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// The user and group writes an import run makes, inside the run's one transaction (<see cref="Sync.ChangeLog.RunAsync"/>).
/// Each keeps the domains' change logs right (a user that reaches a bound domain is upserted there, a deleted one
/// disconnected). Kept small so it can be backed by the control plane's user and group commands.
/// </summary>
public interface IImportWriter
{
    /// <summary>Adds a new user (already validated: unique username and email).</summary>
    Task CreateUserAsync(SystemUser user, CancellationToken ct);

    /// <summary>Saves changes made to a tracked user and upserts it wherever it is bound.</summary>
    Task UpdateUserAsync(SystemUser user, CancellationToken ct);

    /// <summary>Deletes a user with its memberships, bindings and sync records, disconnecting it wherever it was bound.</summary>
    Task DeleteUserAsync(SystemUser user, CancellationToken ct);

    Task CreateGroupAsync(UserGroup group, CancellationToken ct);

    /// <summary>Saves a tracked group's new name or description and upserts it wherever it is bound.</summary>
    Task UpdateGroupAsync(UserGroup group, CancellationToken ct);

    Task DeleteGroupAsync(UserGroup group, CancellationToken ct);

    /// <summary>Makes <paramref name="userIds"/> the group's members (adds and removes), syncing where the group is bound.</summary>
    Task SetMembersAsync(UserGroup group, IReadOnlySet<string> userIds, CancellationToken ct);
}
