using System.Security.Cryptography;
using System.Text;

namespace JumpCloudAdi.Shared.Crypto;

/// <summary>
/// Hybrid encryption of secrets (passwords) to the agents of a domain: the secret is encrypted once with AES-256-GCM
/// under a fresh data key; the data key is wrapped for each agent with ECDH P-256 (ephemeral-static), HKDF-SHA256 and
/// AES-256-GCM. Only an agent's private key opens its copy; the control plane keeps no way to decrypt.
/// </summary>
/// <remarks>Byte layout matches the <c>SealedSecret</c>/<c>WrappedKey</c> protobuf messages.</remarks>
public static class SecretSealing
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int KeySize = 32;
    private static readonly byte[] _info = Encoding.ASCII.GetBytes("jumpcloud-adi/seal/v1");

    /// <summary>A wrapped data key for one agent.</summary>
    public sealed record Wrapped(string AgentId, byte[] EphemeralPublicKey, byte[] WrappedKey);

    /// <summary>Creates an agent key pair: the P-256 SubjectPublicKeyInfo to publish, and the PKCS#8 private key to keep.</summary>
    public static (byte[] PublicKey, byte[] PrivateKey) CreateKeyPair()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportSubjectPublicKeyInfo(), key.ExportPkcs8PrivateKey());
    }

    /// <summary>The OID of NIST P-256 (secp256r1, prime256v1), the only curve agents' keys may be on.</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Validates that <paramref name="publicKey"/> is a P-256 SubjectPublicKeyInfo.</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => PublicKeyProblem(publicKey) is null;

    /// <summary>
    /// Null when <paramref name="publicKey"/> is an EC SubjectPublicKeyInfo on the named curve P-256 (by its OID, so
    /// other 256-bit curves such as brainpoolP256r1 and explicit curve parameters are refused); otherwise why not.
    /// </summary>
    public static string? PublicKeyProblem(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            using var key = ECDiffieHellman.Create();
            key.ImportSubjectPublicKeyInfo(publicKey, out var read);
            if (read != publicKey.Length)
            {
                return "it has trailing bytes after the SubjectPublicKeyInfo";
            }

            var curve = key.ExportParameters(includePrivateParameters: false).Curve;
            if (!curve.IsNamed || curve.Oid.Value != P256Oid)
            {
                var name = curve.IsNamed ? $"{curve.Oid.FriendlyName ?? "unnamed"} ({curve.Oid.Value})" : "explicit curve parameters";
                return $"it is on {name}, not P-256 ({P256Oid})";
            }

            return null;
        }
        catch (CryptographicException)
        {
            return "it is not an EC SubjectPublicKeyInfo";
        }
    }

    public static (byte[] Ciphertext, List<Wrapped> Keys) Seal(ReadOnlySpan<byte> secret, IEnumerable<(string AgentId, byte[] PublicKey)> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var dataKey = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var ciphertext = Encrypt(dataKey, secret, associatedData: []);
            var keys = new List<Wrapped>();
            foreach (var (agentId, publicKey) in recipients)
            {
                using var recipient = ECDiffieHellman.Create();
                recipient.ImportSubjectPublicKeyInfo(publicKey, out _);
                using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
                var ephemeralPublic = ephemeral.ExportSubjectPublicKeyInfo();
                var kek = DeriveKey(ephemeral.DeriveRawSecretAgreement(recipient.PublicKey), ephemeralPublic, agentId);
                keys.Add(new Wrapped(agentId, ephemeralPublic, Encrypt(kek, dataKey, Encoding.UTF8.GetBytes(agentId))));
                CryptographicOperations.ZeroMemory(kek);
            }

            return (ciphertext, keys);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Opens the copy wrapped for <paramref name="agentId"/>; throws <see cref="CryptographicException"/> if none fits.</summary>
    public static byte[] Open(ReadOnlySpan<byte> ciphertext, IEnumerable<Wrapped> keys, string agentId, ReadOnlySpan<byte> privateKey)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var mine = keys.FirstOrDefault(k => k.AgentId == agentId)
            ?? throw new CryptographicException($"the secret was not sealed to agent {agentId} (it enrolled after the change was made)");
        using var own = ECDiffieHellman.Create();
        own.ImportPkcs8PrivateKey(privateKey, out _);
        using var ephemeral = ECDiffieHellman.Create();
        ephemeral.ImportSubjectPublicKeyInfo(mine.EphemeralPublicKey, out _);
        var kek = DeriveKey(own.DeriveRawSecretAgreement(ephemeral.PublicKey), mine.EphemeralPublicKey, agentId);
        var dataKey = Decrypt(kek, mine.WrappedKey, Encoding.UTF8.GetBytes(agentId));
        try
        {
            return Decrypt(dataKey, ciphertext, []);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static byte[] DeriveKey(byte[] sharedSecret, byte[] ephemeralPublic, string agentId)
    {
        try
        {
            var info = _info.Concat(Encoding.UTF8.GetBytes(agentId)).ToArray();
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, KeySize, ephemeralPublic, info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    private static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associatedData);
        return output;
    }

    private static byte[] Decrypt(byte[] key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("sealed data is truncated");
        }

        var plain = new byte[sealedData.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plain, associatedData);
        return plain;
    }
}
