using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// The password vault with its key-encryption key on a PKCS#11 token (a private SoftHSM2 token): the control plane
/// (its own process, <c>Passwords:KeyProvider=Pkcs11</c>) keeps no key file, wraps every entry on the token, and a
/// user created with a password and then bound binds on the Samba AD DC; a key rotation on the token (its own
/// process) re-wraps the entries under the next key version, which the running control plane then opens.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SambaPkcs11VaultTests(SambaDc samba)
{
    private const string People = "OU=People,DC=example,DC=com";

    private static string Password() => $"Hsm!{Guid.NewGuid().ToString("N")[..10]}5Ww";

    [Fact]
    public async Task With_the_PKCS11_provider_a_user_created_with_a_password_and_then_bound_binds_and_a_rotation_on_the_token_keeps_it_so()
    {
        using var temp = new TempDirectory();
        var token = await SoftHsmToken.CreateAsync(temp.Sub("softhsm"));
        using var controlPlane = new ControlPlaneProcess(temp.Sub("cp"));
        foreach (var (name, value) in token.ControlPlaneEnvironment)
        {
            controlPlane.Environment[name] = value;
        }

        await controlPlane.StartAsync();
        var api = controlPlane.Client;
        var domainId = await api.CreateDomainAsync();
        var (agentId, connectKey) = await api.CreateConnectKeyAsync(domainId);
        using var agent = new AgentProcess(temp.Sub("agent"));
        await agent.InstallAsync(controlPlane.Url, controlPlane.Certificates.CaPath, samba, connectKey);
        agent.Start();
        await Processes.WaitUntilAsync(async () => await api.PrimaryAgentAsync(domainId) == agentId, TimeSpan.FromSeconds(60),
            () => $"the agent primary (log: {agent.Log})");

        var (sam, password) = (Unique("hsm"), Password());
        var (later, laterPassword) = (Unique("hsl"), Password());
        var userId = await api.CreateUserAsync(sam, "Hardware", "Key", password);
        var laterId = await api.CreateUserAsync(later, "Hardware", "Later", laterPassword);
        await api.BindUserAsync(domainId, userId);
        await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{sam}@example.com", password), TimeSpan.FromSeconds(60),
            () => $"{sam} binds with its password (agent log: {agent.Log}; control plane log: {controlPlane.Log})");
        Assert.Equal("512", (await samba.SearchAsync(People, $"(sAMAccountName={sam})", "userAccountControl")).Single().First("userAccountControl"));

        var database = controlPlane.DatabasePath;
        Assert.Equal(["pkcs11:jcadi-password-kek-1"], (await KeyIdsAsync(database)).Distinct());
        Assert.False(File.Exists(Path.Combine(controlPlane.Directory, "password-vault.key")), "the PKCS#11 provider keeps no key file");

        // Rotation on the token, while the control plane runs.
        using (var rotation = new RotationProcess(["--Data:Directory", controlPlane.Directory,
                   "--ConnectionStrings:ControlPlane", $"Data Source={database}"], token.ControlPlaneEnvironment))
        {
            var exit = await rotation.WaitAsync();
            Assert.True(exit == 0, $"the rotation exited with {exit}: {rotation.Output}");
            Assert.Contains("Done: every entry is under key pkcs11:jcadi-password-kek-2", rotation.Output, StringComparison.Ordinal);
        }

        Assert.Equal(["pkcs11:jcadi-password-kek-2", "pkcs11:jcadi-password-kek-2"], await KeyIdsAsync(database));
        await api.BindUserAsync(domainId, laterId);
        await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{later}@example.com", laterPassword), TimeSpan.FromSeconds(60),
            () => $"{later} binds with the password re-wrapped on the token (agent log: {agent.Log}; control plane log: {controlPlane.Log})");
    }

    private static async Task<List<string>> KeyIdsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT KeyId FROM PasswordVault";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
