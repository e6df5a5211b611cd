using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using JumpCloudAdi.Agent.Directory;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

public sealed class DirectoryPrimitivesTests
{
    [Fact]
    public void SidToString_renders_a_domain_sid_with_its_rid()
    {
        // S-1-5-21-1911513757-1279213636-1423111693-512 as AD stores it.
        var sid = Convert.FromBase64String("AQUAAAAAAAUVAAAAnWLvcURAP0wN9tJUAAIAAA==");
        Assert.Equal("S-1-5-21-1911513757-1279213636-1423111693-512", StartupChecks.SidToString(sid));
    }

    [Fact]
    public void SidToString_renders_a_builtin_sid()
    {
        var sid = Convert.FromBase64String("AQIAAAAAAAUgAAAAIQIAAA==");
        Assert.Equal("S-1-5-32-545", StartupChecks.SidToString(sid));
    }

    [Fact]
    public void EscapeBinary_escapes_every_byte_for_a_filter()
    {
        Assert.Equal("\\00\\2a\\28\\ff", StartupChecks.EscapeBinary([0x00, 0x2a, 0x28, 0xff]));
    }

    [Fact]
    public void Ssha_is_salted_SHA1_that_verifies_and_differs_each_time()
    {
        var first = OpenLdapDialect.Ssha("Correct!Horse1");
        var second = OpenLdapDialect.Ssha("Correct!Horse1");
        Assert.StartsWith("{SSHA}", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        var raw = Convert.FromBase64String(first["{SSHA}".Length..]);
        var (digest, salt) = (raw[..20], raw[20..]);
        Assert.Equal(8, salt.Length);
#pragma warning disable CA5350 // verifying the {SSHA} scheme, which is SHA-1 by definition
        Assert.Equal(digest, SHA1.HashData([.. Encoding.UTF8.GetBytes("Correct!Horse1"), .. salt]));
#pragma warning restore CA5350
    }

    [Fact]
    public void PasswordModifyRequest_encodes_the_user_and_new_password_as_RFC_3062_says()
    {
        var request = PasswordModifyRequest.Create("uid=a\\,b,ou=People,dc=example,dc=com", "p@ss wörd");
        Assert.Equal("1.3.6.1.4.1.4203.1.11.1", request.RequestName);
        var reader = new AsnReader(request.RequestValue, AsnEncodingRules.BER).ReadSequence();
        Assert.Equal("uid=a\\,b,ou=People,dc=example,dc=com", Encoding.UTF8.GetString(reader.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0))));
        Assert.Equal("p@ss wörd", Encoding.UTF8.GetString(reader.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 2))));
        Assert.False(reader.HasData);
    }

    [Theory]
    [InlineData("CN=A,OU=People,DC=example,DC=com", "OU=People,DC=example,DC=com")]
    [InlineData("CN=Smith\\, John,OU=People,DC=example,DC=com", "OU=People,DC=example,DC=com")]
    [InlineData("uid=x\\,ou\\=evil,ou=People,dc=example,dc=com", "ou=People,dc=example,dc=com")]
    public void ParentOf_splits_at_the_first_unescaped_comma(string dn, string parent) => Assert.Equal(parent, DnText.ParentOf(dn));

    [Theory]
    [InlineData("CN=A,OU=People,DC=example,DC=com", "OU=People,DC=example,DC=com", true)]
    [InlineData("CN=A,OU=Sub,OU=People,DC=example,DC=com", "ou=people,dc=example,dc=com", true)]
    [InlineData("OU=People,DC=example,DC=com", "OU=People,DC=example,DC=com", false)]
    [InlineData("CN=A,OU=OtherPeople,DC=example,DC=com", "OU=People,DC=example,DC=com", false)]
    [InlineData("CN=x\\,OU=People,DC=example,DC=com", "OU=People,DC=example,DC=com", false)]
    public void IsUnder_is_true_only_strictly_below_the_container(string dn, string container, bool under) =>
        Assert.Equal(under, DnText.IsUnder(dn, container));
}
