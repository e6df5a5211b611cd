using System.Security.Cryptography;
using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// Each user's current password, encrypted at rest: AES-256-GCM under a fresh data key per password, the data key
/// wrapped by the key provider's key-encryption key, both bound (associated data) to the user id and the password's
/// version. The plaintext exists only in memory while a password is stored or sealed to an agent at send time.
/// </summary>
public sealed class PasswordVault(ControlPlaneDb db, IServiceProvider services, IOptions<PasswordsOptions> options, TimeProvider time)
{
    /// <summary>False in seal-only mode (<c>Passwords:Retain=false</c>): nothing is stored.</summary>
    public bool Retain => options.Value.Retain;

    /// <summary>
    /// Stores <paramref name="password"/> as the user's current one (replacing the previous ciphertext) in the open
    /// unit of work; returns its version, or null in seal-only mode.
    /// </summary>
    public async Task<long?> StoreAsync(string userId, string password, CancellationToken ct)
    {
        if (!Retain)
        {
            return null;
        }

        var keys = services.GetRequiredService<IPasswordKeyProvider>();
        var entry = await db.PasswordVault.FindAsync([userId], ct);
        var version = (entry?.Version ?? 0) + 1;
        var (wrapped, ciphertext) = Encrypt(keys, userId, version, password);
        if (entry is null)
        {
            entry = new PasswordVaultEntry { UserId = userId, KeyId = keys.CurrentKeyId, WrappedKey = wrapped, Ciphertext = ciphertext };
            db.PasswordVault.Add(entry);
        }

        entry.Version = version;
        entry.KeyId = keys.CurrentKeyId;
        entry.WrappedKey = wrapped;
        entry.Ciphertext = ciphertext;
        entry.UpdatedAt = time.GetUtcNow();
        return version;
    }

    /// <summary>Erases the user's entry (with the unit of work).</summary>
    public void Erase(string userId) => db.PasswordVault.RemoveRange(db.PasswordVault.Where(e => e.UserId == userId));

    /// <summary>Seal-only mode keeps nothing recoverable: entries left from a retaining configuration are erased.</summary>
    public static async Task<int> EraseAllAsync(ControlPlaneDb db, CancellationToken ct) => await db.PasswordVault.ExecuteDeleteAsync(ct);

    internal static (byte[] WrappedKey, byte[] Ciphertext) Encrypt(IPasswordKeyProvider keys, string userId, long version, string password)
    {
        var context = AssociatedData(userId, version);
        var dataKey = RandomNumberGenerator.GetBytes(AesGcmBox.KeySize);
        var plaintext = Encoding.UTF8.GetBytes(password);
        try
        {
            return (keys.Wrap(dataKey, context), AesGcmBox.Seal(dataKey, plaintext, context));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// The entry's password as UTF-8 (the caller clears it after use). Throws <see cref="CryptographicException"/>,
    /// saying nothing of the content, when the entry does not open (another key, altered bytes, moved to another user).
    /// </summary>
    public static byte[] Open(IPasswordKeyProvider keys, PasswordVaultEntry entry)
    {
        var context = AssociatedData(entry.UserId, entry.Version);
        var dataKey = keys.Unwrap(entry.KeyId, entry.WrappedKey, context);
        try
        {
            return AesGcmBox.Open(dataKey, entry.Ciphertext, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>What both ciphertexts of an entry are bound to: the user id and the password's version.</summary>
    public static byte[] AssociatedData(string userId, long version) => Encoding.UTF8.GetBytes($"jcadi/vault/v1/user={userId}/version={version}");
}
