using System.Security.Cryptography;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>AES-256-GCM in the layout the vault stores: nonce(12) | tag(16) | ciphertext.</summary>
internal static class AesGcmBox
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var box = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = box.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, box.AsSpan(NonceSize + TagSize), box.AsSpan(NonceSize, TagSize), associatedData);
        return box;
    }

    /// <summary>Throws <see cref="CryptographicException"/> (saying nothing of the content) when the box does not open.</summary>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> box, ReadOnlySpan<byte> associatedData)
    {
        if (box.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The sealed value is too short.");
        }

        var plaintext = new byte[box.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(box[..NonceSize], box[(NonceSize + TagSize)..], box.Slice(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }
}
