using System.DirectoryServices.Protocols;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Directory;
using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.Agent.Import;

/// <summary>
/// The IMPORT agent's start-up checks, the sync agent's rules for its read-only account: the root user container and
/// the ADI security group exist (on AD the group is a security group), and on AD the service account is not a Domain or
/// Enterprise Admin, is not named JumpCloud and is in no group named JumpCloud (<see cref="StartupChecks"/>).
/// </summary>
internal static class ImportChecks
{
    public static void Verify(LdapConnection connection, RootDse rootDse, AgentSettings settings)
    {
        var rootDn = SemicolonDn.Parse(settings.RootUserDn).ToLdapDn();
        if (Read(connection, rootDn, "objectClass") is null)
        {
            throw new DirectoryCheckException($"the root user container '{settings.RootUserDn}' (--root-user-dn) does not exist in the directory; create it or fix the setting");
        }

        var ad = rootDse.Flavor == DirectoryFlavor.ActiveDirectory;
        var group = Read(connection, SemicolonDn.Parse(settings.ImportGroupDn!).ToLdapDn(), "objectClass", "groupType")
            ?? throw new DirectoryCheckException($"the ADI security group '{settings.ImportGroupDn}' (--import-group-dn) does not exist in the directory; create it (usually CN=JumpCloud in the root user container) and add the users to import");
        var classes = group.AllValues("objectClass").ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (ad ? !classes.Contains("group") : !(classes.Contains("groupOfNames") || classes.Contains("groupOfUniqueNames")))
        {
            throw new DirectoryCheckException($"the ADI security group '{settings.ImportGroupDn}' (--import-group-dn) is not a {(ad ? "group" : "groupOfNames")}");
        }

        if (ad)
        {
            if ((group.LongValue("groupType") & 0x80000000) == 0)
            {
                throw new DirectoryCheckException($"the ADI security group '{settings.ImportGroupDn}' (--import-group-dn) is a distribution group; it must be a security group");
            }

            StartupChecks.VerifyServiceAccount(connection, rootDse, settings.BindUser);
        }
    }

    private static SearchResultEntry? Read(LdapConnection connection, string dn, params string[] attributes)
    {
        try
        {
            var response = (SearchResponse)connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attributes));
            return response.Entries.Count == 0 ? null : response.Entries[0];
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.InvalidDNSyntax)
        {
            return null;
        }
    }
}
