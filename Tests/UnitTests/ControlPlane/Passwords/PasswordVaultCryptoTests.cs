using System.Security.Cryptography;
using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Passwords;

namespace JumpCloudAdi.UnitTests.ControlPlane.Passwords;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PasswordVaultCryptoTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"jcadi-vault-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string KeyFile => Path.Combine(_directory, "data", "password-vault.key");

    [Fact]
    public void The_key_file_is_generated_once_with_mode_0600_and_reopens_as_the_same_key()
    {
        using var first = FileKeyProvider.OpenOrCreate(KeyFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        using var again = FileKeyProvider.OpenOrCreate(KeyFile);
        Assert.Equal(first.CurrentKeyId, again.CurrentKeyId);
        Assert.StartsWith("file:", first.CurrentKeyId, StringComparison.Ordinal);
        var wrapped = first.Wrap(new byte[32], "ad"u8);
        Assert.Equal(new byte[32], again.Unwrap(first.CurrentKeyId, wrapped, "ad"u8));
        Assert.ThrowsAny<CryptographicException>(() => again.Unwrap(first.CurrentKeyId, wrapped, "other"u8));
    }

    [Fact]
    public void A_key_file_others_may_read_or_that_is_not_a_key_is_refused()
    {
        using (FileKeyProvider.OpenOrCreate(KeyFile))
        {
        }

        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Contains("chmod 600", Assert.Throws<InvalidOperationException>(() => FileKeyProvider.OpenOrCreate(KeyFile)).Message, StringComparison.Ordinal);
        File.WriteAllText(KeyFile, "not a key");
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Contains("is not a key file", Assert.Throws<InvalidOperationException>(() => FileKeyProvider.OpenOrCreate(KeyFile)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_opens_only_for_its_user_and_version_under_its_key_and_its_error_says_nothing_of_the_password()
    {
        using var keys = FileKeyProvider.OpenOrCreate(KeyFile);
        const string password = "Secret!Value2024";
        var (wrapped, ciphertext) = PasswordVault.Encrypt(keys, "user-a", 2, password);
        Assert.True(ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(password)) < 0);
        var entry = new PasswordVaultEntry { UserId = "user-a", Version = 2, KeyId = keys.CurrentKeyId, WrappedKey = wrapped, Ciphertext = ciphertext };
        Assert.Equal(password, Encoding.UTF8.GetString(PasswordVault.Open(keys, entry)));

        foreach (var moved in new[]
                 {
                     new PasswordVaultEntry { UserId = "user-b", Version = 2, KeyId = entry.KeyId, WrappedKey = wrapped, Ciphertext = ciphertext },
                     new PasswordVaultEntry { UserId = "user-a", Version = 3, KeyId = entry.KeyId, WrappedKey = wrapped, Ciphertext = ciphertext },
                 })
        {
            var error = Assert.ThrowsAny<CryptographicException>(() => PasswordVault.Open(keys, moved));
            Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
        }

        Assert.ThrowsAny<CryptographicException>(() => PasswordVault.Open(keys,
            new PasswordVaultEntry { UserId = "user-a", Version = 2, KeyId = "file:0000000000000000", WrappedKey = wrapped, Ciphertext = ciphertext }));
    }

    [Fact]
    public void A_rotation_makes_a_new_key_current_keeps_the_old_one_readable_until_retired_and_a_running_provider_follows_the_file()
    {
        using var running = FileKeyProvider.OpenOrCreate(KeyFile);
        var old = running.CurrentKeyId;
        var underOld = running.Wrap(new byte[32], "ad"u8);

        using var rotation = FileKeyProvider.OpenOrCreate(KeyFile);
        var fresh = rotation.BeginRotation();
        Assert.NotEqual(old, fresh);
        Assert.Equal([old, fresh], rotation.KeyIds);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));

        // Resuming (another process, after a kill) creates no third key.
        using (var resumed = FileKeyProvider.OpenOrCreate(KeyFile))
        {
            Assert.Equal(fresh, resumed.BeginRotation());
            Assert.Equal([old, fresh], resumed.KeyIds);
        }

        // The running provider re-reads the file: it wraps under the new key and opens what the rotation re-wrapped.
        Assert.Equal(fresh, running.CurrentKeyId);
        var underNew = rotation.Wrap(new byte[32], "ad"u8);
        Assert.Equal(new byte[32], running.Unwrap(fresh, underNew, "ad"u8));
        Assert.Equal(new byte[32], rotation.Unwrap(old, underOld, "ad"u8));

        rotation.RetireOldKeys();
        Assert.Equal([fresh], rotation.KeyIds);
        using var later = FileKeyProvider.OpenOrCreate(KeyFile);
        Assert.Equal([fresh], later.KeyIds);
        Assert.ThrowsAny<CryptographicException>(() => later.Unwrap(old, underOld, "ad"u8));
        // A process that read the old key keeps it in memory (the rotation re-wraps stragglers with it).
        Assert.Equal(new byte[32], rotation.Unwrap(old, underOld, "ad"u8));
    }
}
