using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.UnitTests.Agent.Configuration;

public sealed class AgentPrivateKeyTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "jcadi-pk-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_private_key_is_stored_only_inside_the_encrypted_secrets_and_read_back()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "agent.json");
        var key = Convert.ToBase64String(JumpCloudAdi.Shared.Crypto.SecretSealing.CreateKeyPair().PrivateKey);
        SettingsStore.Save(path, new AgentSettings { ControlPlaneUrl = "https://cp", RootUserDn = "OU=People;DC=example;DC=com", AgentPrivateKey = key });

        Assert.DoesNotContain(key[..24], File.ReadAllText(path), StringComparison.Ordinal);
        Assert.DoesNotContain("agentPrivateKey", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(key, SettingsStore.Load(path).AgentPrivateKey);
    }
}
