namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// A user's current password, encrypted at rest (see <see cref="Passwords.PasswordVault"/>): AES-256-GCM under a data
/// key of its own, the data key wrapped by the key provider's key-encryption key <see cref="KeyId"/>. Both ciphertexts
/// are bound to the user id and <see cref="Version"/>, so an entry cannot be moved to another user or replayed as a
/// later version. One row per user; a new password replaces it, deleting the user deletes it.
/// </summary>
public sealed class PasswordVaultEntry
{
    public required string UserId { get; set; }

    /// <summary>Counts the user's passwords: each new one gets the next version.</summary>
    public long Version { get; set; }

    /// <summary>Which key-encryption key wrapped <see cref="WrappedKey"/> (provider and key, never the key itself).</summary>
    public required string KeyId { get; set; }

    /// <summary>nonce(12) | tag(16) | AES-256-GCM(data key) under the key-encryption key.</summary>
    public required byte[] WrappedKey { get; set; }

    /// <summary>nonce(12) | tag(16) | AES-256-GCM(UTF-8 password) under the data key.</summary>
    public required byte[] Ciphertext { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
