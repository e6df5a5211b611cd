using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Where the agent may write: users only inside the root user container, groups only beside the sync group (as its
/// members). From the settings, in LDAP's comma form.
/// </summary>
internal sealed record DirectoryScope(string RootDn, string DnsDomain, string SyncGroupDn, string GroupContainerDn)
{
    public static DirectoryScope From(AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = SemicolonDn.Parse(settings.RootUserDn);
        var syncGroup = SemicolonDn.Parse(settings.SyncGroupDn).ToLdapDn();
        return new DirectoryScope(root.ToLdapDn(), root.DnsDomain(), syncGroup, DnText.ParentOf(syncGroup));
    }
}
