using JumpCloudAdi.ControlPlane.Security;

namespace JumpCloudAdi.UnitTests.ControlPlane.Security;

public class SecretHashTests
{
    [Fact]
    public void Matches_SameSecret_IsTrue()
    {
        var secret = SecretHash.NewSecret();
        Assert.True(SecretHash.Matches(secret, SecretHash.Of(secret)));
    }

    [Fact]
    public void Matches_DifferentSecret_IsFalse()
    {
        var hash = SecretHash.Of(SecretHash.NewSecret());
        Assert.False(SecretHash.Matches(SecretHash.NewSecret(), hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("secret ")]
    [InlineData("Secret")]
    [InlineData("secre")]
    public void Matches_NearMissOfSecret_IsFalse(string presented)
    {
        Assert.False(SecretHash.Matches(presented, SecretHash.Of("secret")));
    }

    [Fact]
    public void Of_IsDeterministicSha256()
    {
        // SHA-256("abc"), FIPS 180-2 test vector.
        Assert.Equal(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Convert.ToHexStringLower(SecretHash.Of("abc")));
        Assert.Equal(SecretHash.Of("x"), SecretHash.Of("x"));
    }

    [Fact]
    public void Matches_TruncatedHash_IsFalse()
    {
        var hash = SecretHash.Of("secret");
        Assert.False(SecretHash.Matches("secret", hash[..16]));
        Assert.False(SecretHash.Matches("secret", []));
    }

    [Fact]
    public void NewSecret_Is43UrlSafeCharacters()
    {
        for (var i = 0; i < 50; i++)
        {
            var secret = SecretHash.NewSecret();
            Assert.Equal(43, secret.Length);
            Assert.All(secret, ch => Assert.True(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_', $"unexpected '{ch}' in {secret}"));
        }
    }

    [Fact]
    public void NewSecret_DecodesTo256Bits()
    {
        var secret = SecretHash.NewSecret();
        var base64 = secret.Replace('-', '+').Replace('_', '/') + "=";
        Assert.Equal(32, Convert.FromBase64String(base64).Length);
    }

    [Fact]
    public void NewSecret_IsDistinctEachTime()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => SecretHash.NewSecret()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(100, secrets.Count);
    }
}
