using JumpCloudAdi.ControlPlane.Security;

namespace JumpCloudAdi.UnitTests.ControlPlane.Security;

public class PasswordHasherTests
{
    // Hashing is deliberately slow (PBKDF2, 210k iterations), so the tests share one hash where they can.
    private static readonly Lazy<string> _hashOfCorrect = new(() => PasswordHasher.Hash("correct horse"));

    [Fact]
    public void Hash_HasPbkdf2Format()
    {
        var parts = _hashOfCorrect.Value.Split('$');

        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("210000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.DoesNotContain("correct horse", _hashOfCorrect.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersBySalt()
    {
        var other = PasswordHasher.Hash("correct horse");

        Assert.NotEqual(_hashOfCorrect.Value, other);
        Assert.NotEqual(_hashOfCorrect.Value.Split('$')[2], other.Split('$')[2]);
        Assert.True(PasswordHasher.Verify("correct horse", other));
    }

    [Fact]
    public void Verify_CorrectPassword_IsTrue()
    {
        Assert.True(PasswordHasher.Verify("correct horse", _hashOfCorrect.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("correct horse ")]
    [InlineData("Correct horse")]
    [InlineData("correct hors")]
    public void Verify_WrongPassword_IsFalse(string password)
    {
        Assert.False(PasswordHasher.Verify(password, _hashOfCorrect.Value));
    }

    [Fact]
    public void Verify_NonAsciiPassword_RoundTrips()
    {
        var stored = PasswordHasher.Hash("pässwörd€");
        Assert.True(PasswordHasher.Verify("pässwörd€", stored));
        Assert.False(PasswordHasher.Verify("passwourd€", stored));
    }

    [Fact]
    public void Verify_UsesIterationCountFromStoredString()
    {
        // A hash produced with a different (e.g. older) iteration count must still verify.
        var salt = new byte[16];
        var hash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            "pw"u8, salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        var stored = $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";

        Assert.True(PasswordHasher.Verify("pw", stored));
        Assert.False(PasswordHasher.Verify("pw", stored.Replace("$1000$", "$1001$", StringComparison.Ordinal)));
    }

    [Fact]
    public void Verify_TamperedHash_IsFalse()
    {
        var parts = _hashOfCorrect.Value.Split('$');
        var bytes = Convert.FromBase64String(parts[3]);
        bytes[0] ^= 1;
        var tampered = $"{parts[0]}${parts[1]}${parts[2]}${Convert.ToBase64String(bytes)}";

        Assert.False(PasswordHasher.Verify("correct horse", tampered));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("pbkdf2-sha256$210000$c2FsdA==")]
    [InlineData("pbkdf2-sha256$210000$c2FsdA==$aGFzaA==$extra")]
    [InlineData("bcrypt$210000$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$many$c2FsdA==$aGFzaA==")]
    public void Verify_MalformedStructure_IsFalse(string stored)
    {
        Assert.False(PasswordHasher.Verify("correct horse", stored));
    }

    // The following stored strings have the right shape but broken fields. Verify is documented by the brief to
    // return false for malformed stored strings; it must not throw.
    [Theory]
    [InlineData("pbkdf2-sha256$1000$not base64!$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdA==$not base64!")]
    [InlineData("pbkdf2-sha256$0$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$-5$c2FsdA==$aGFzaA==")]
    public void Verify_MalformedFields_IsFalse(string stored)
    {
        Assert.False(PasswordHasher.Verify("correct horse", stored));
    }

    [Fact]
    public void Verify_EmptyHashField_IsFalse()
    {
        // An empty expected hash must never be treated as "matches anything".
        Assert.False(PasswordHasher.Verify("anything", "pbkdf2-sha256$1000$c2FsdA==$"));
    }
}
