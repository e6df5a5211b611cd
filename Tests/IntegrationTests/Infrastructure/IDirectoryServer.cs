namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>A real directory server a test writes to through an agent and checks with ldapsearch.</summary>
public interface IDirectoryServer
{
    /// <summary>LDAPS URL the agent uses.</summary>
    string LdapsUrl { get; }

    /// <summary>PEM of the CA that issued the server's certificate.</summary>
    string CaPath { get; }

    string RootUserDn { get; }
    string SyncGroupDn { get; }
    string BindUser { get; }
    string BindPassword { get; }

    /// <summary>Searches as the directory's administrator over LDAPS with full certificate validation.</summary>
    Task<List<LdapEntry>> SearchAsync(string baseDn, string filter, params string[] attributes);

    /// <summary>True when a simple bind with these credentials succeeds over LDAPS.</summary>
    Task<bool> CanBindAsync(string who, string password);
}
