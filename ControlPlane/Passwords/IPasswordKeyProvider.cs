namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// Holds the key-encryption key of the password vault and wraps / unwraps data keys with it; the key itself never
/// leaves the provider (a key file outside the database, or a hardware module).
/// </summary>
public interface IPasswordKeyProvider
{
    /// <summary>The key new entries are wrapped under, e.g. <c>file:1a2b3c4d</c>: names the key, reveals nothing of it.</summary>
    string CurrentKeyId { get; }

    /// <summary>Wraps <paramref name="dataKey"/> under the current key, bound to <paramref name="associatedData"/>.</summary>
    byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData);

    /// <summary>
    /// Unwraps a data key wrapped under <paramref name="keyId"/>; throws <see cref="System.Security.Cryptography.CryptographicException"/>
    /// when that key is not this provider's or the wrapped bytes or associated data were altered.
    /// </summary>
    byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData);
}
