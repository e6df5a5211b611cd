using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Writes groups: create or rename (nested in the sync group), disconnect (remove or retain), and set who is in one.
/// Only members inside the root user container are ever removed; protected accounts are never added.
/// </summary>
internal sealed class GroupWriter(DirectorySearch ldap, DirectoryDialect dialect, DirectoryScope scope, AgentSettings settings,
    UserFinder users, GroupGraph groups, Ownership ownership)
{
    public ApplyResult Upsert(GroupUpsert group)
    {
        if (string.IsNullOrWhiteSpace(group.Name))
        {
            return ApplyResult.Failed((int)ResultCode.ConstraintViolation, "the group has no name");
        }

        var found = groups.FindGroup(group.Anchor, group.Name);
        var (existing, foreign) = found;
        if (foreign is not null)
        {
            return ApplyResult.Failed((int)ResultCode.EntryAlreadyExists,
                $"'{foreign.DistinguishedName}' already exists and is not a member of the sync group; it is left alone");
        }

        if (existing is not null && ownership.OwnedByAnother(existing, group.GroupId) is { } refused)
        {
            return refused;
        }

        string dn, anchor;
        var nested = found.Nested;
        if (existing is null)
        {
            dn = $"CN={LdapEscape.DnValue(group.Name)},{scope.GroupContainerDn}";
            anchor = dialect.AddReadingAnchor(dialect.NewGroup(dn, group.Name));
        }
        else
        {
            dn = existing.DistinguishedName;
            if (!string.Equals(existing.FirstValue("cn"), group.Name, StringComparison.Ordinal))
            {
                dn = dialect.RenameGroup(dn, group.Name);
                nested = false;
            }

            // A rename keeps the anchor: the one the search returned.
            anchor = dialect.AnchorOf(existing, dn);
        }

        // Nested in the sync group, which makes it the parent of every synced group (found by name among its members: it is).
        if (!nested)
        {
            groups.AddMember(scope.SyncGroupDn, dn);
        }

        return ApplyResult.Applied(anchor);
    }

    public ApplyResult Disconnect(GroupDisconnect group)
    {
        var (existing, _) = groups.FindGroup("", group.Name);
        if (existing is not null && ownership.OwnedByAnother(existing, group.GroupId) is { } refused)
        {
            return refused;
        }

        if (existing is null || settings.GroupDisconnectionAction != DisconnectionAction.Remove)
        {
            return ApplyResult.Applied();
        }

        var dn = existing.DistinguishedName;
        var members = dialect.MembersOf(existing).Where(m => DnText.IsUnder(m, scope.RootDn)).ToList();
        dialect.RemoveMembers(scope.SyncGroupDn, [dn]);
        ldap.Send(new DeleteRequest(dn));
        if (settings.GroupMembershipSyncType == GroupMembershipSyncType.Match)
        {
            foreach (var member in members)
            {
                groups.MatchParents(member);
            }
        }

        return ApplyResult.Applied();
    }

    public ApplyResult SetMembership(MembershipSet membership)
    {
        var (group, _) = groups.FindGroup("", membership.GroupName);
        if (group is null)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"group '{membership.GroupName}' is not a member of the sync group {scope.SyncGroupDn}");
        }

        if (ownership.OwnedByAnother(group, membership.GroupId) is { } refused)
        {
            return refused;
        }

        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        var protectedAccounts = new List<string>();
        // Members are looked up a chunk at a time, many per search; only what a chunk leaves unclear is searched alone.
        var members = users.NewKnownEntries();
        foreach (var chunk in membership.MemberUsernames.Chunk(UserFinder.LookupChunk))
        {
            members.Clear();
            users.LookUp(members, chunk, [], [dialect.UsernameAttribute, "adminCount"]);
            foreach (var username in chunk)
            {
                var user = members.TryGetByName(username, out var known) ? known : users.Find("", username);
                if (user is null)
                {
                    missing.Add(username);
                }
                else if (Ownership.IsProtected(user))
                {
                    protectedAccounts.Add(username);
                }
                else
                {
                    wanted.Add(user.DistinguishedName);
                }
            }
        }

        var current = new HashSet<string>(dialect.MembersOf(group), StringComparer.OrdinalIgnoreCase);
        // Only members inside the root user container are ours to remove; anything else in the group is left alone.
        var toRemove = current.Where(m => !wanted.Contains(m) && DnText.IsUnder(m, scope.RootDn)).ToList();
        var toAdd = wanted.Where(m => !current.Contains(m)).ToList();
        dialect.SetMembers(group.DistinguishedName, current, toAdd, toRemove);

        if (settings.GroupMembershipSyncType == GroupMembershipSyncType.Match)
        {
            foreach (var member in toAdd.Concat(toRemove))
            {
                groups.MatchParents(member);
            }
        }

        // The group was read with its anchor (a membership change does not move it).
        var anchor = dialect.AnchorOf(group, group.DistinguishedName);
        if (missing.Count > 0)
        {
            return ApplyResult.Failed((int)ResultCode.NoSuchObject, $"members not found in {scope.RootDn}: {string.Join(", ", missing)}");
        }

        return protectedAccounts.Count > 0
            ? ApplyResult.Applied(anchor, $"not added (adminCount=1, never touched): {string.Join(", ", protectedAccounts)}")
            : ApplyResult.Applied(anchor);
    }
}
