using System.Security.Cryptography;
using System.Text;

namespace JumpCloudAdi.ControlPlane.Security;

/// <summary>
/// Hashing for high-entropy machine secrets (API keys, connect keys, agent credentials). These are 256-bit random
/// values, so a plain SHA-256 is enough; user passwords use <see cref="PasswordHasher"/> instead.
/// </summary>
public static class SecretHash
{
    public static byte[] Of(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string presented, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Of(presented), expectedHash);

    /// <summary>A new random secret: 256 bits, URL-safe base64 without padding.</summary>
    public static string NewSecret()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
