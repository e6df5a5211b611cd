using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.UnitTests.Shared.Dn;

public class LdapEscapeTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("plain", "plain")]
    [InlineData("John Smith", "John Smith")]
    [InlineData("a,b", @"a\,b")]
    [InlineData("a+b", @"a\+b")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData("a<b>", @"a\<b\>")]
    [InlineData("a;b", @"a\;b")]
    [InlineData("a=b", @"a\=b")]
    [InlineData("#lead", @"\#lead")]
    [InlineData("mid#dle#", "mid#dle#")]
    [InlineData(" lead", @"\ lead")]
    [InlineData("trail ", @"trail\ ")]
    [InlineData("in side", "in side")]
    [InlineData(" ", @"\ ")]
    [InlineData("  ", @"\ \ ")]
    [InlineData("Böse", "Böse")]
    public void DnValue_EscapesPerRfc4514(string input, string expected)
    {
        Assert.Equal(expected, LdapEscape.DnValue(input));
    }

    [Theory]
    [InlineData("a\0b", @"a\00b")]
    [InlineData("a\nb", @"a\0ab")]
    [InlineData("\u007f", @"\7f")]
    public void DnValue_ControlCharacters_AreHexEscaped(string input, string expected)
    {
        Assert.Equal(expected, LdapEscape.DnValue(input));
    }

    [Fact]
    public void DnValue_HostileInjection_CannotAddComponents()
    {
        var escaped = LdapEscape.DnValue("x,DC=evil");
        Assert.Equal(@"x\,DC\=evil", escaped);
        Assert.DoesNotContain(",DC=", escaped, StringComparison.Ordinal);
    }

    [Fact]
    public void DnValue_MultiValuedRdnInjection_IsEscaped()
    {
        Assert.Equal(@"x\+CN\=admin", LdapEscape.DnValue("x+CN=admin"));
    }

    [Fact]
    public void DnValue_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LdapEscape.DnValue(null!));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("jdoe", "jdoe")]
    [InlineData("John Smith", "John Smith")]
    [InlineData("*", @"\2a")]
    [InlineData("(", @"\28")]
    [InlineData(")", @"\29")]
    [InlineData(@"\", @"\5c")]
    [InlineData("\0", @"\00")]
    [InlineData("a,b=c;d+e", "a,b=c;d+e")]
    public void FilterValue_EscapesPerRfc4515(string input, string expected)
    {
        Assert.Equal(expected, LdapEscape.FilterValue(input));
    }

    [Theory]
    [InlineData("ö", @"\c3\b6")]
    [InlineData("Böse", @"B\c3\b6se")]
    [InlineData("€", @"\e2\82\ac")]
    [InlineData("😀", @"\f0\9f\98\80")]
    public void FilterValue_NonAscii_IsEscapedAsUtf8Bytes(string input, string expected)
    {
        Assert.Equal(expected, LdapEscape.FilterValue(input));
    }

    [Fact]
    public void FilterValue_HostileInjection_IsNeutralised()
    {
        var escaped = LdapEscape.FilterValue("a*)(uid=*");
        Assert.Equal(@"a\2a\29\28uid=\2a", escaped);
        Assert.DoesNotContain("*", escaped, StringComparison.Ordinal);
        Assert.DoesNotContain("(", escaped, StringComparison.Ordinal);
        Assert.DoesNotContain(")", escaped, StringComparison.Ordinal);
    }

    [Fact]
    public void FilterValue_BackslashEscapeSequence_IsNotPassedThrough()
    {
        // An attacker-supplied "\2a" must stay literal text, not become a wildcard-equivalent escape.
        Assert.Equal(@"\5c2a", LdapEscape.FilterValue(@"\2a"));
    }

    [Fact]
    public void FilterValue_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LdapEscape.FilterValue(null!));
    }
}
