using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Turns model changes into change-log entries for every domain they affect. Callers save the model change inside the
/// operation's transaction first (<see cref="ChangeLog.SaveAsync"/>), then ask here what each domain must now contain.
/// </summary>
public sealed class DomainSync(ControlPlaneDb db, ChangeLog log, DirectoryReach reach)
{
    // Vault versions of the users DomainsOfUsersAsync looked up (a large group's members at once); absent: not looked up.
    private readonly Dictionary<string, long?> _vaultVersions = [];

    /// <summary>The domains a user reaches: bound directly, or through a bound group (<see cref="DirectoryReach"/>).</summary>
    public Task<HashSet<string>> DomainsOfUserAsync(string userId, CancellationToken ct) => reach.DomainsOfUserAsync(userId, ct);

    /// <summary>
    /// The domains each of <paramref name="userIds"/> reaches, in one query rather than one per user (a large group's
    /// members are looked up together); their vault versions are looked up at the same time for <c>UserChangedAsync</c>.
    /// </summary>
    public async Task<Dictionary<string, HashSet<string>>> DomainsOfUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var domains = await reach.DomainsOfUsersAsync(userIds, ct);
        var ids = domains.Keys.ToList();

        // The members that come to reach a domain get their password too: look the vault up for all of them at once.
        var versions = await db.PasswordVault.AsNoTracking().Where(e => ids.Contains(e.UserId))
            .Select(e => new { e.UserId, e.Version }).ToDictionaryAsync(e => e.UserId, e => e.Version, ct);
        foreach (var id in ids)
        {
            _vaultVersions[id] = versions.TryGetValue(id, out var version) ? version : null;
        }

        return domains;
    }

    /// <summary>The domains a group is bound to.</summary>
    public Task<List<string>> DomainsOfGroupAsync(string groupId, CancellationToken ct) => reach.DomainsOfGroupAsync(groupId, ct);

    /// <summary>
    /// Upserts the user where it is (still) reached, disconnects it where it no longer is. Where it comes to reach a
    /// domain (bound directly, its group bound, it joined a bound group) its current password follows the upsert.
    /// </summary>
    public async Task UserChangedAsync(SystemUser user, IReadOnlySet<string> domainsBefore, CancellationToken ct, bool explicitUnlock = false) =>
        await UserChangedAsync(user, domainsBefore, await DomainsOfUserAsync(user.Id, ct), ct, explicitUnlock);

    /// <summary>As above, with the domains the user reaches now already known (see <see cref="DomainsOfUsersAsync"/>).</summary>
    public async Task UserChangedAsync(SystemUser user, IReadOnlySet<string> domainsBefore, IReadOnlySet<string> after, CancellationToken ct,
        bool explicitUnlock = false)
    {
        long? vaultVersion = null;
        var looked = false;
        foreach (var domainId in after.Order(StringComparer.Ordinal))
        {
            await log.AppendAsync(domainId, ChangeFactory.UserUpsert(user, explicitUnlock), ct);
            if (domainsBefore.Contains(domainId))
            {
                continue;
            }

            if (!looked)
            {
                vaultVersion = await VaultVersionAsync(user.Id, ct);
                looked = true;
            }

            if (vaultVersion is { } version)
            {
                await log.AppendAsync(domainId, ChangeFactory.PasswordFromVault(user, version), ct);
            }
        }

        foreach (var domainId in domainsBefore.Except(after).Order(StringComparer.Ordinal))
        {
            await log.AppendAsync(domainId, ChangeFactory.UserDisconnect(user), ct);
        }
    }

    /// <summary>The version of the user's vault entry (pending in this unit of work or stored); null when it has none.</summary>
    public async Task<long?> VaultVersionAsync(string userId, CancellationToken ct)
    {
        if (db.PasswordVault.Local.FirstOrDefault(e => e.UserId == userId) is { } pending)
        {
            return db.Entry(pending).State == EntityState.Deleted ? null : pending.Version;
        }

        if (_vaultVersions.TryGetValue(userId, out var known))
        {
            return known;
        }

        return await db.PasswordVault.AsNoTracking().Where(e => e.UserId == userId).Select(e => (long?)e.Version).FirstOrDefaultAsync(ct);
    }

    /// <summary>Sends the group's full member list to every domain it is bound to.</summary>
    public async Task MembershipChangedAsync(UserGroup group, CancellationToken ct)
    {
        var domains = await DomainsOfGroupAsync(group.Id, ct);
        if (domains.Count == 0)
        {
            return;
        }

        var members = await MemberUsernamesAsync(group.Id, ct);
        foreach (var domainId in domains)
        {
            await log.AppendAsync(domainId, ChangeFactory.MembershipSet(group, members), ct);
        }
    }

    public async Task<List<string>> MemberUsernamesAsync(string groupId, CancellationToken ct) =>
        await (from m in db.GroupMembers
               join u in db.Users on m.UserId equals u.Id
               where m.GroupId == groupId
               orderby u.Username
               select u.Username).ToListAsync(ct);

    /// <summary>The group's members, untracked: they are only read, and a large group's users would slow every save of the operation.</summary>
    public async Task<List<SystemUser>> MembersAsync(string groupId, CancellationToken ct) =>
        await (from m in db.GroupMembers
               join u in db.Users.AsNoTracking() on m.UserId equals u.Id
               where m.GroupId == groupId
               select u).ToListAsync(ct);
}
