using System.DirectoryServices.Protocols;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// The synced groups and who is in them: a synced group is a member of the sync group, beside it in the same container;
/// nothing above the sync group or outside that container is ever read or written as a group of ours.
/// </summary>
internal sealed class GroupGraph(DirectorySearch ldap, DirectoryDialect dialect, DirectoryScope scope)
{
    /// <summary>What <see cref="FindGroup"/> found: the synced group, or a foreign one of that name; whether the synced group is known to be nested in the sync group.</summary>
    public readonly record struct Found(SearchResultEntry? Managed, SearchResultEntry? Foreign, bool Nested = false)
    {
        public void Deconstruct(out SearchResultEntry? managed, out SearchResultEntry? foreign) => (managed, foreign) = (Managed, Foreign);
    }

    /// <summary>
    /// Finds a synced group: by anchor when known, else by name among the sync group's members. A group of that name
    /// beside the sync group that is not its member is returned as <c>Foreign</c>: it is not ours.
    /// </summary>
    public Found FindGroup(string anchor, string name)
    {
        if (!string.IsNullOrEmpty(anchor))
        {
            var byAnchor = ldap.One(scope.GroupContainerDn, SearchScope.OneLevel, $"(&(objectClass={dialect.GroupClass}){dialect.AnchorFilter(anchor)})",
                "cn", dialect.MemberRequest, dialect.AnchorAttribute);
            if (byAnchor is not null && !DnText.Same(byAnchor.DistinguishedName, scope.SyncGroupDn))
            {
                return new(byAnchor, null);
            }
        }

        var byName = ldap.One(scope.GroupContainerDn, SearchScope.OneLevel, $"(&(objectClass={dialect.GroupClass})(cn={LdapEscape.FilterValue(name)}))",
            "cn", dialect.MemberRequest, dialect.AnchorAttribute);
        if (byName is null)
        {
            return new(null, null);
        }

        return !DnText.Same(byName.DistinguishedName, scope.SyncGroupDn) && ManagedGroupDns().Contains(byName.DistinguishedName)
            ? new(byName, null, Nested: true)
            : new(null, byName);
    }

    /// <summary>The DNs of the synced groups (the sync group's members).</summary>
    public HashSet<string> ManagedGroupDns()
    {
        var sync = ldap.One(scope.SyncGroupDn, SearchScope.Base, "(objectClass=*)", dialect.MemberRequest);
        return new HashSet<string>(sync is null ? [] : dialect.MembersOf(sync), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Synced groups (members of the sync group), and the sync group itself, that hold <paramref name="memberDn"/> directly.</summary>
    public IEnumerable<SearchResultEntry> ManagedGroupsOf(string memberDn)
    {
        var managed = ManagedGroupDns();
        var filter = $"(&(objectClass={dialect.GroupClass})(member={LdapEscape.FilterValue(memberDn)}))";
        return ldap.All(scope.GroupContainerDn, SearchScope.OneLevel, filter, "cn")
            .Where(g => managed.Contains(g.DistinguishedName) || DnText.Same(g.DistinguishedName, scope.SyncGroupDn));
    }

    public void AddMember(string groupDn, string memberDn)
    {
        try
        {
            ldap.Send(new ModifyRequest(groupDn, DirectoryAttributeOperation.Add, "member", memberDn));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.AttributeOrValueExists or ResultCode.EntryAlreadyExists)
        {
        }
    }

    /// <summary>
    /// group_membership_sync_type match: the user is a direct member of every parent (up to the sync group) of each
    /// synced group it is in, and leaves a parent once no synced child group holds it any more.
    /// </summary>
    public void MatchParents(string userDn)
    {
        var memberOf = ManagedGroupsOf(userDn).Select(g => g.DistinguishedName).ToList();
        var own = memberOf.Where(g => !DnText.Same(g, scope.SyncGroupDn)).ToList();
        var parentsWanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in own)
        {
            parentsWanted.UnionWith(ParentsOf(group));
        }

        foreach (var parent in parentsWanted.Where(p => !memberOf.Contains(p, StringComparer.OrdinalIgnoreCase)))
        {
            AddMember(parent, userDn);
        }

        // Direct membership of the sync group exists only as a parent of the user's own groups.
        if (!parentsWanted.Contains(scope.SyncGroupDn) && memberOf.Contains(scope.SyncGroupDn, StringComparer.OrdinalIgnoreCase))
        {
            dialect.RemoveMembers(scope.SyncGroupDn, [userDn]);
        }
    }

    /// <summary>The synced groups above <paramref name="groupDn"/> up to and including the sync group (never beyond it).</summary>
    private HashSet<string> ParentsOf(string groupDn)
    {
        var parents = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>([groupDn]);
        while (queue.Count > 0)
        {
            var dn = queue.Dequeue();
            if (DnText.Same(dn, scope.SyncGroupDn))
            {
                continue;
            }

            foreach (var parent in ManagedGroupsOf(dn))
            {
                if (parents.Add(parent.DistinguishedName))
                {
                    queue.Enqueue(parent.DistinguishedName);
                }
            }
        }

        return parents;
    }
}
