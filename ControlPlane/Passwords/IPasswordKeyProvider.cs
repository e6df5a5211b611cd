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

/// <summary>
/// A key provider whose key-encryption key can be replaced by a new version (<see cref="PasswordKeyRotation"/>): the
/// new key becomes current while the older ones stay readable, until every vault entry is re-wrapped.
/// </summary>
public interface IRotatingPasswordKeyProvider : IPasswordKeyProvider
{
    /// <summary>
    /// Starts a rotation, or resumes one that was interrupted: when only one key version exists, a new one is created
    /// and made current (durably, before this returns); when older versions are still kept, nothing is created.
    /// Returns the current key id.
    /// </summary>
    string BeginRotation();

    /// <summary>Ends a rotation: every key version but the current one is destroyed (this process keeps them in memory).</summary>
    void RetireOldKeys();

    /// <summary>The key versions the provider keeps now, oldest first (the last is current).</summary>
    IReadOnlyList<string> KeyIds { get; }
}
