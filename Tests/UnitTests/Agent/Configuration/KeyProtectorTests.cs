using System.Security.Cryptography;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.UnitTests.Agent.Configuration;

/// <summary>
/// The settings key sealed by a key protector (DPAPI on Windows) as <see cref="SettingsStore"/> uses it, with a fake
/// protector that stands in for DPAPI's "this account on this machine" rule.
/// </summary>
public sealed class KeyProtectorTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "jcadi-keyprot-" + Guid.NewGuid().ToString("N"));

    public KeyProtectorTests() => System.IO.Directory.CreateDirectory(_directory);

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    private string ConfigPath => Path.Combine(_directory, "agent.json");

    /// <summary>XORs with a per-"account" pad and checks a tag, as DPAPI refuses another account's blob.</summary>
    private sealed class FakeDpapi(byte account) : IKeyProtector
    {
        public int Protected { get; private set; }

        public string Prefix => "dpapi:v1:";

        public byte[] Protect(byte[] key)
        {
            Protected++;
            return [account, .. key.Select(b => (byte)(b ^ account))];
        }

        public byte[] Unprotect(byte[] blob) =>
            blob.Length > 0 && blob[0] == account
                ? [.. blob.Skip(1).Select(b => (byte)(b ^ account))]
                : throw new CryptographicException("Key not valid for use in specified state.");
    }

    private static AgentSettings Sample() => new()
    {
        ControlPlaneUrl = "https://cp.example.com",
        LdapUrl = "ldaps://dc1.example.com:636",
        RootUserDn = "OU=People;DC=example;DC=com",
        BindUser = "svc",
        SyncGroupDn = "CN=JumpCloud Groups;DC=example;DC=com",
        BindPassword = "Bind-Secret-9x",
        ConnectKey = "connect-key-1",
    };

    [Fact]
    public void A_protected_key_file_holds_the_sealed_key_only_and_the_secrets_round_trip()
    {
        var dpapi = new FakeDpapi(0x5a);
        SettingsStore.Save(ConfigPath, Sample(), dpapi);
        var keyFile = File.ReadAllText(SettingsStore.KeyPath(ConfigPath));
        Assert.StartsWith("dpapi:v1:", keyFile, StringComparison.Ordinal);
        Assert.Equal(1, dpapi.Protected);

        var loaded = SettingsStore.Load(ConfigPath, dpapi);
        Assert.Equal("Bind-Secret-9x", loaded.BindPassword);
        Assert.Equal("connect-key-1", loaded.ConnectKey);

        // Saving again reuses the key: it is not sealed anew.
        SettingsStore.Save(ConfigPath, loaded, dpapi);
        Assert.Equal(1, dpapi.Protected);
        Assert.Equal(keyFile, File.ReadAllText(SettingsStore.KeyPath(ConfigPath)));
    }

    [Fact]
    public void Another_account_or_machine_cannot_read_the_secrets_and_is_told_what_to_do()
    {
        SettingsStore.Save(ConfigPath, Sample(), new FakeDpapi(0x5a));
        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(ConfigPath, new FakeDpapi(0x33)));
        Assert.Contains("cannot be unsealed by this account on this machine", ex.Message, StringComparison.Ordinal);
        Assert.Contains("run 'install' again", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsealed_key_file_is_refused_where_keys_must_be_sealed()
    {
        SettingsStore.Save(ConfigPath, Sample(), new FileModeKeyProtector());
        var ex = Assert.Throws<SettingsException>(() => SettingsStore.Load(ConfigPath, new FakeDpapi(0x5a)));
        Assert.Contains("not protected for this machine and account", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_Linux_the_key_file_is_plain_base64_readable_by_the_owner_only()
    {
        SettingsStore.Save(ConfigPath, Sample(), new FileModeKeyProtector());
        var text = File.ReadAllText(SettingsStore.KeyPath(ConfigPath)).Trim();
        Assert.Equal(32, Convert.FromBase64String(text).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SettingsStore.KeyPath(ConfigPath)));
        }

        Assert.Equal("Bind-Secret-9x", SettingsStore.Load(ConfigPath).BindPassword);
    }
}
