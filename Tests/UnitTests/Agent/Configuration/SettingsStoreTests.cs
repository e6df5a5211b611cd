using System.Text.Json.Nodes;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.UnitTests.Agent.Configuration;

public sealed class SettingsStoreTests : IDisposable
{
    private const string BindPassword = "Bind-P@ssw0rd-7f3a";
    private const string ConnectKey = "connect-key-1b9e2c";
    private const string AgentCredential = "agent-credential-4d8f0a";

    private readonly string _directory;
    private readonly string _configPath;

    public SettingsStoreTests()
    {
        _directory = Path.Combine(Path.GetTempPath(), "jcadi-settings-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(_directory);
        _configPath = Path.Combine(_directory, "agent.json");
    }

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    private static AgentSettings Sample() => new()
    {
        ControlPlaneUrl = "https://cp.example.com:8443",
        ControlPlanePin = "sha256/abc",
        ServerType = "dc",
        LdapUrl = "ldaps://dc1.example.com:636",
        StartTls = true,
        AllowInsecureLdap = false,
        RootUserDn = "OU=People;DC=example;DC=com",
        BindUser = "CN=svc-jc;OU=Service;DC=example;DC=com",
        SyncGroupDn = "CN=JumpCloud Groups;OU=Groups;DC=example;DC=com",
        GroupDisconnectionAction = DisconnectionAction.Remove,
        UserDisconnectionAction = UserDisconnectionAction.Retain,
        MembershipDisconnectionAction = DisconnectionAction.Retain,
        GroupMembershipSyncType = GroupMembershipSyncType.Match,
        SyncAccountLockedOutStatus = true,
        AdMemberRange = 50,
        AgentId = "agent-1",
        DomainId = "domain-1",
        Domain = "DC=example;DC=com",
        BindPassword = BindPassword,
        ConnectKey = ConnectKey,
        AgentCredential = AgentCredential,
    };

    [Fact]
    public void Save_ThenLoad_RoundTripsAllSettingsAndSecrets()
    {
        var original = Sample();

        SettingsStore.Save(_configPath, original);
        var loaded = SettingsStore.Load(_configPath);

        Assert.Equal(original.Describe(), loaded.Describe());
        Assert.Equal("50", loaded.Describe()["adMemberRange"]);
        Assert.Equal(50, loaded.AdMemberRange);
        Assert.Equal(original.ControlPlanePin, loaded.ControlPlanePin);
        Assert.Equal(original.AgentId, loaded.AgentId);
        Assert.Equal(original.DomainId, loaded.DomainId);
        Assert.Equal(original.Domain, loaded.Domain);
        Assert.Equal(BindPassword, loaded.BindPassword);
        Assert.Equal(ConnectKey, loaded.ConnectKey);
        Assert.Equal(AgentCredential, loaded.AgentCredential);
    }

    [Fact]
    public void Save_DoesNotMutateTheCallersSettings()
    {
        var original = Sample();

        SettingsStore.Save(_configPath, original);

        Assert.Equal(BindPassword, original.BindPassword);
        Assert.Equal(ConnectKey, original.ConnectKey);
        Assert.Equal(AgentCredential, original.AgentCredential);
    }

    [Fact]
    public void Save_NullSecrets_RoundTripAsNull()
    {
        var settings = Sample();
        settings.ConnectKey = null;
        settings.AgentCredential = null;

        SettingsStore.Save(_configPath, settings);
        var loaded = SettingsStore.Load(_configPath);

        Assert.Equal(BindPassword, loaded.BindPassword);
        Assert.Null(loaded.ConnectKey);
        Assert.Null(loaded.AgentCredential);
    }

    [Fact]
    public void Save_SecondTime_ReusesKeyAndOverwrites()
    {
        SettingsStore.Save(_configPath, Sample());
        var keyBefore = File.ReadAllText(SettingsStore.KeyPath(_configPath));

        var updated = Sample();
        updated.ConnectKey = null;
        updated.AgentCredential = "rotated-credential";
        SettingsStore.Save(_configPath, updated);

        Assert.Equal(keyBefore, File.ReadAllText(SettingsStore.KeyPath(_configPath)));
        var loaded = SettingsStore.Load(_configPath);
        Assert.Null(loaded.ConnectKey);
        Assert.Equal("rotated-credential", loaded.AgentCredential);
        Assert.False(File.Exists(_configPath + ".tmp"));
    }

    [Fact]
    public void Save_FileOnDisk_DoesNotContainPlaintextSecrets()
    {
        SettingsStore.Save(_configPath, Sample());

        var text = File.ReadAllText(_configPath);
        Assert.DoesNotContain(BindPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AgentCredential, text, StringComparison.Ordinal);
        var keyText = File.ReadAllText(SettingsStore.KeyPath(_configPath));
        Assert.DoesNotContain(BindPassword, keyText, StringComparison.Ordinal);

        // The non-secret part is still readable, and the secrets live only in the envelope.
        var json = JsonNode.Parse(text)!;
        Assert.Equal("ldaps://dc1.example.com:636", (string?)json["settings"]!["ldapUrl"]);
        Assert.Null(json["settings"]!["bindPassword"]);
        Assert.Null(json["settings"]!["connectKey"]);
        Assert.Null(json["settings"]!["agentCredential"]);
        Assert.False(string.IsNullOrEmpty((string?)json["encryptedSecrets"]));
    }

    [Fact]
    public void Save_SameSettingsTwice_UsesFreshNonce()
    {
        SettingsStore.Save(_configPath, Sample());
        var first = (string?)JsonNode.Parse(File.ReadAllText(_configPath))!["encryptedSecrets"];
        SettingsStore.Save(_configPath, Sample());
        var second = (string?)JsonNode.Parse(File.ReadAllText(_configPath))!["encryptedSecrets"];

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Save_FileAndKey_AreOwnerReadWriteOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        SettingsStore.Save(_configPath, Sample());

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(_configPath));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(SettingsStore.KeyPath(_configPath)));
    }

    [Fact]
    public void Save_OverExistingWorldReadableFile_TightensMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllText(_configPath, "{}");
        File.SetUnixFileMode(_configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        SettingsStore.Save(_configPath, Sample());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_configPath));
    }

    [Fact]
    public void Save_CreatesMissingDirectory()
    {
        var nested = Path.Combine(_directory, "a", "b", "agent.json");

        SettingsStore.Save(nested, Sample());

        Assert.True(SettingsStore.Exists(nested));
        Assert.Equal(BindPassword, SettingsStore.Load(nested).BindPassword);
    }

    [Fact]
    public void KeyPath_AppendsKeySuffix()
    {
        Assert.Equal("/etc/jc/agent.json.key", SettingsStore.KeyPath("/etc/jc/agent.json"));
    }

    [Fact]
    public void Load_MissingFile_ThrowsSettingsException()
    {
        Assert.False(SettingsStore.Exists(_configPath));

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains(_configPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingKeyFile_ThrowsSettingsExceptionNamingTheKey()
    {
        SettingsStore.Save(_configPath, Sample());
        File.Delete(SettingsStore.KeyPath(_configPath));

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains(SettingsStore.KeyPath(_configPath), ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyFromAnotherInstall_ThrowsSettingsException()
    {
        SettingsStore.Save(_configPath, Sample());
        var otherPath = Path.Combine(_directory, "other.json");
        SettingsStore.Save(otherPath, Sample());
        File.Copy(SettingsStore.KeyPath(otherPath), SettingsStore.KeyPath(_configPath), overwrite: true);

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("cannot be decrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfWrongLength_ThrowsSettingsExceptionSayingDamaged()
    {
        SettingsStore.Save(_configPath, Sample());
        File.WriteAllText(SettingsStore.KeyPath(_configPath), Convert.ToBase64String(new byte[16]));

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyFileNotBase64_ThrowsSettingsException()
    {
        SettingsStore.Save(_configPath, Sample());
        File.WriteAllText(SettingsStore.KeyPath(_configPath), "this is not a key!");

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains(SettingsStore.KeyPath(_configPath), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TamperedCiphertextByte_ThrowsSettingsException()
    {
        SettingsStore.Save(_configPath, Sample());
        ReplaceEncryptedSecrets(sealedValue =>
        {
            var bytes = Convert.FromBase64String(sealedValue);
            bytes[^1] ^= 0x01;
            return Convert.ToBase64String(bytes);
        });

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("cannot be decrypted", ex.Message, StringComparison.Ordinal);
        Assert.Contains("altered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TamperedTag_ThrowsSettingsException()
    {
        SettingsStore.Save(_configPath, Sample());
        ReplaceEncryptedSecrets(sealedValue =>
        {
            var bytes = Convert.FromBase64String(sealedValue);
            bytes[12] ^= 0x80;
            return Convert.ToBase64String(bytes);
        });

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("cannot be decrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EncryptedSecretsNotBase64_ThrowsSettingsException()
    {
        SettingsStore.Save(_configPath, Sample());
        ReplaceEncryptedSecrets(_ => "not base64 at all!");

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("cannot be decrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EncryptedSecretsTruncated_ThrowsSettingsException()
    {
        SettingsStore.Save(_configPath, Sample());
        ReplaceEncryptedSecrets(_ => Convert.ToBase64String(new byte[10]));

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("cannot be decrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidJson_ThrowsSettingsException()
    {
        File.WriteAllText(_configPath, "{ not json");

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonNull_ThrowsSettingsException()
    {
        File.WriteAllText(_configPath, "null");

        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(_configPath));

        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    private void ReplaceEncryptedSecrets(Func<string, string> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(_configPath))!;
        json["encryptedSecrets"] = change((string)json["encryptedSecrets"]!);
        File.WriteAllText(_configPath, json.ToJsonString());
    }
}
