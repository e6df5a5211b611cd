using System.Security.Cryptography;
using System.Text;
using JumpCloudAdi.Shared.Crypto;

namespace JumpCloudAdi.UnitTests.Shared.Crypto;

public class SecretSealingTests
{
    private static readonly byte[] _secret = Encoding.UTF8.GetBytes("Corr3ct-Horse-Battery!");

    [Fact]
    public void Each_recipient_opens_its_own_copy_and_gets_the_secret()
    {
        var a = SecretSealing.CreateKeyPair();
        var b = SecretSealing.CreateKeyPair();
        var (ciphertext, keys) = SecretSealing.Seal(_secret, [("agent-a", a.PublicKey), ("agent-b", b.PublicKey)]);

        Assert.Equal(_secret, SecretSealing.Open(ciphertext, keys, "agent-a", a.PrivateKey));
        Assert.Equal(_secret, SecretSealing.Open(ciphertext, keys, "agent-b", b.PrivateKey));
        Assert.Equal(-1, ciphertext.AsSpan().IndexOf(_secret));
    }

    [Fact]
    public void Another_agents_private_key_cannot_open_a_copy()
    {
        var a = SecretSealing.CreateKeyPair();
        var b = SecretSealing.CreateKeyPair();
        var (ciphertext, keys) = SecretSealing.Seal(_secret, [("agent-a", a.PublicKey)]);

        Assert.ThrowsAny<CryptographicException>(() => SecretSealing.Open(ciphertext, keys, "agent-a", b.PrivateKey));
        var notSealed = Assert.ThrowsAny<CryptographicException>(() => SecretSealing.Open(ciphertext, keys, "agent-b", b.PrivateKey));
        Assert.Contains("agent-b", notSealed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_relabelled_for_another_agent_id_does_not_open()
    {
        var a = SecretSealing.CreateKeyPair();
        var (ciphertext, keys) = SecretSealing.Seal(_secret, [("agent-a", a.PublicKey)]);
        var relabelled = keys.Select(k => k with { AgentId = "agent-x" }).ToList();
        Assert.ThrowsAny<CryptographicException>(() => SecretSealing.Open(ciphertext, relabelled, "agent-x", a.PrivateKey));
    }

    [Fact]
    public void Tampered_ciphertext_is_refused()
    {
        var a = SecretSealing.CreateKeyPair();
        var (ciphertext, keys) = SecretSealing.Seal(_secret, [("agent-a", a.PublicKey)]);
        ciphertext[^1] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => SecretSealing.Open(ciphertext, keys, "agent-a", a.PrivateKey));
        Assert.ThrowsAny<CryptographicException>(() => SecretSealing.Open(ciphertext.AsSpan(0, 10), keys, "agent-a", a.PrivateKey));
    }

    [Fact]
    public void Sealing_twice_gives_different_bytes()
    {
        var a = SecretSealing.CreateKeyPair();
        var first = SecretSealing.Seal(_secret, [("agent-a", a.PublicKey)]);
        var second = SecretSealing.Seal(_secret, [("agent-a", a.PublicKey)]);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.NotEqual(first.Keys[0].WrappedKey, second.Keys[0].WrappedKey);
    }

    [Fact]
    public void Only_P256_public_keys_are_accepted()
    {
        Assert.True(SecretSealing.IsValidPublicKey(SecretSealing.CreateKeyPair().PublicKey));
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        Assert.False(SecretSealing.IsValidPublicKey(p384.ExportSubjectPublicKeyInfo()));
        Assert.False(SecretSealing.IsValidPublicKey([1, 2, 3]));
    }

    [Fact]
    public void Other_256_bit_curves_and_explicit_P256_parameters_are_refused_by_name()
    {
        // brainpoolP256r1 is 256 bits too: only the curve's OID tells it from P-256.
        using var brainpool = ECDiffieHellman.Create(ECCurve.NamedCurves.brainpoolP256r1);
        Assert.Equal(256, brainpool.KeySize);
        var problem = SecretSealing.PublicKeyProblem(brainpool.ExportSubjectPublicKeyInfo());
        Assert.NotNull(problem);
        Assert.Contains("1.3.36.3.3.2.8.1.1.7", problem, StringComparison.Ordinal);
        Assert.False(SecretSealing.IsValidPublicKey(brainpool.ExportSubjectPublicKeyInfo()));

        using var explicitP256 = ECDiffieHellman.Create(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256).ExportExplicitParameters(false).Curve);
        Assert.False(SecretSealing.IsValidPublicKey(explicitP256.ExportSubjectPublicKeyInfo()));

        var good = SecretSealing.CreateKeyPair().PublicKey;
        Assert.Null(SecretSealing.PublicKeyProblem(good));
        Assert.NotNull(SecretSealing.PublicKeyProblem([.. good, 0]));
    }
}
