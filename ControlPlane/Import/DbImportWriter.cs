using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>
/// <see cref="IImportWriter"/> on the model directly, with the same change-log effects as the REST API's user and
/// group operations (<c>SystemUsersApi</c>, <c>UserGroupsApi</c>).
/// </summary>
public sealed class DbImportWriter(ControlPlaneDb db, ChangeLog log, DomainSync sync, PasswordVault vault) : IImportWriter
{
    public async Task CreateUserAsync(SystemUser user, CancellationToken ct)
    {
        // A new user is in no group and bound nowhere yet: nothing reaches a domain.
        db.Users.Add(user);
        await log.SaveAsync(ct);
    }

    public async Task UpdateUserAsync(SystemUser user, CancellationToken ct)
    {
        var domains = await sync.DomainsOfUserAsync(user.Id, ct);
        await log.SaveAsync(ct);
        if (domains.Count > 0)
        {
            await sync.UserChangedAsync(user, domains, domains, ct);
        }
    }

    public async Task DeleteUserAsync(SystemUser user, CancellationToken ct)
    {
        var id = user.Id;
        var domains = await sync.DomainsOfUserAsync(id, ct);
        var groupIds = await db.GroupMembers.Where(m => m.UserId == id).Select(m => m.GroupId).ToListAsync(ct);
        db.GroupMembers.RemoveRange(db.GroupMembers.Where(m => m.UserId == id));
        db.Associations.RemoveRange(db.Associations.Where(a => a.TargetType == AssociationTypes.User && a.TargetId == id));
        db.SyncStatuses.RemoveRange(db.SyncStatuses.Where(s => s.ObjectId == id));
        vault.Erase(id);
        db.SyncHistory.RemoveRange(db.SyncHistory.Where(h => h.ObjectId == id));
        db.Users.Remove(user);
        await log.SaveAsync(ct);
        foreach (var group in await db.Groups.Where(g => groupIds.Contains(g.Id)).ToListAsync(ct))
        {
            await sync.MembershipChangedAsync(group, ct);
        }

        await sync.UserChangedAsync(user, domains, new HashSet<string>(), ct);
    }

    public async Task CreateGroupAsync(UserGroup group, CancellationToken ct)
    {
        db.Groups.Add(group);
        await log.SaveAsync(ct);
    }

    public async Task UpdateGroupAsync(UserGroup group, CancellationToken ct)
    {
        var renamed = db.Entry(group).Property(g => g.Name).IsModified;
        await log.SaveAsync(ct);
        if (renamed)
        {
            foreach (var domainId in await sync.DomainsOfGroupAsync(group.Id, ct))
            {
                await log.AppendAsync(domainId, ChangeFactory.GroupUpsert(group), ct);
            }
        }
    }

    public async Task DeleteGroupAsync(UserGroup group, CancellationToken ct)
    {
        var id = group.Id;
        var domains = await sync.DomainsOfGroupAsync(id, ct);
        var members = await sync.MembersAsync(id, ct);
        var memberIds = members.ConvertAll(m => m.Id);
        var before = await sync.DomainsOfUsersAsync(memberIds, ct);
        db.GroupMembers.RemoveRange(db.GroupMembers.Where(m => m.GroupId == id));
        db.Associations.RemoveRange(db.Associations.Where(a => a.TargetType == AssociationTypes.UserGroup && a.TargetId == id));
        db.Groups.Remove(group);
        await log.SaveAsync(ct);
        foreach (var domainId in domains)
        {
            await log.AppendAsync(domainId, ChangeFactory.GroupDisconnect(group), ct);
        }

        var after = await sync.DomainsOfUsersAsync(memberIds, ct);
        foreach (var member in members)
        {
            await sync.UserChangedAsync(member, before[member.Id], after[member.Id], ct);
        }
    }

    public async Task SetMembersAsync(UserGroup group, IReadOnlySet<string> userIds, CancellationToken ct)
    {
        var current = await db.GroupMembers.Where(m => m.GroupId == group.Id).ToListAsync(ct);
        var added = userIds.Where(u => current.All(m => m.UserId != u)).ToList();
        var removed = current.Where(m => !userIds.Contains(m.UserId)).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            return;
        }

        var groupDomains = await sync.DomainsOfGroupAsync(group.Id, ct);
        var changed = added.Concat(removed.Select(m => m.UserId)).ToList();
        var before = groupDomains.Count > 0 ? await sync.DomainsOfUsersAsync(changed, ct) : null;
        db.GroupMembers.RemoveRange(removed);
        db.GroupMembers.AddRange(added.Select(u => new GroupMember { GroupId = group.Id, UserId = u }));
        await log.SaveAsync(ct);
        if (before is null)
        {
            return; // the group is bound nowhere: no domain's content changes
        }

        var after = await sync.DomainsOfUsersAsync(changed, ct);
        var users = await db.Users.Where(u => changed.Contains(u.Id)).ToListAsync(ct);
        foreach (var user in users)
        {
            await sync.UserChangedAsync(user, before[user.Id], after[user.Id], ct);
        }

        await sync.MembershipChangedAsync(group, ct);
    }
}
