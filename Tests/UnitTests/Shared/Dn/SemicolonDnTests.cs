using JumpCloudAdi.Shared.Dn;

namespace JumpCloudAdi.UnitTests.Shared.Dn;

public class SemicolonDnTests
{
    [Theory]
    [InlineData("DC=example;DC=com", "example.com")]
    [InlineData("DC=corp;DC=example;DC=co;DC=uk", "corp.example.co.uk")]
    [InlineData("DC=my-site1;DC=com", "my-site1.com")]
    public void TryParseDomain_ValidDomain_ParsesDcComponents(string text, string dns)
    {
        Assert.True(SemicolonDn.TryParseDomain(text, out var dn, out var error), error);
        Assert.Null(error);
        Assert.All(dn.Components, c => Assert.Equal("DC", c.Type));
        Assert.Equal(dns, dn.DnsDomain());
        Assert.Equal(text, dn.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParseDomain_Missing_FailsWithRequiredMessage(string? text)
    {
        Assert.False(SemicolonDn.TryParseDomain(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseDomain_LowercaseDc_FailsAskingForCapitals()
    {
        Assert.False(SemicolonDn.TryParseDomain("dc=example;dc=com", out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("'dc'", error, StringComparison.Ordinal);
        Assert.Contains("capitals", error, StringComparison.Ordinal);
        Assert.Contains("DC=", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DC=example; DC=com")]
    [InlineData("DC=example;DC=com ")]
    [InlineData(" DC=example;DC=com")]
    [InlineData("DC=my example;DC=com")]
    public void TryParseDomain_WithSpaces_FailsMentioningSpaces(string text)
    {
        Assert.False(SemicolonDn.TryParseDomain(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("spaces", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseDomain_WithCommas_FailsMentioningCommas()
    {
        Assert.False(SemicolonDn.TryParseDomain("DC=example,DC=com", out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("commas", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU=People;DC=example;DC=com", "OU=")]
    [InlineData("CN=Users;DC=example;DC=com", "CN=")]
    public void TryParseDomain_NonDcComponent_FailsNamingTheComponentType(string text, string offending)
    {
        Assert.False(SemicolonDn.TryParseDomain(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains($"found {offending}", error, StringComparison.Ordinal);
        Assert.Contains("DC components only", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseDomain_SingleComponent_FailsAskingForTwo()
    {
        Assert.False(SemicolonDn.TryParseDomain("DC=com", out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("at least two", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DC=exa_mple;DC=com", "exa_mple")]
    [InlineData("DC=-example;DC=com", "-example")]
    [InlineData("DC=example-;DC=com", "example-")]
    [InlineData("DC=example;DC=c.om", "c.om")]
    [InlineData("DC=ex#ample;DC=com", "ex#ample")]
    public void TryParseDomain_NonDnsLabel_FailsNamingTheLabel(string text, string label)
    {
        Assert.False(SemicolonDn.TryParseDomain(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains($"'{label}'", error, StringComparison.Ordinal);
        Assert.Contains("DNS label", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseDomain_LabelOf64Characters_Fails()
    {
        var label = new string('a', 64);
        Assert.False(SemicolonDn.TryParseDomain($"DC={label};DC=com", out _, out var error));
        Assert.Contains(label, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseDomain_LabelOf63Characters_Succeeds()
    {
        var label = new string('a', 63);
        Assert.True(SemicolonDn.TryParseDomain($"DC={label};DC=com", out var dn, out var error), error);
        Assert.Equal($"{label}.com", dn.DnsDomain());
    }

    [Fact]
    public void TryParse_OuInDomain_ParsesComponentsInOrder()
    {
        Assert.True(SemicolonDn.TryParse("OU=People;DC=example;DC=com", out var dn, out var error), error);
        Assert.Null(error);
        Assert.Equal(
            [new RdnComponent("OU", "People"), new RdnComponent("DC", "example"), new RdnComponent("DC", "com")],
            dn.Components);
        Assert.Equal("OU=People,DC=example,DC=com", dn.ToLdapDn());
        Assert.Equal("example.com", dn.DnsDomain());
    }

    [Fact]
    public void TryParse_CnWithInnerSpace_KeepsTheSpace()
    {
        Assert.True(SemicolonDn.TryParse("CN=JumpCloud Groups;OU=Groups;DC=example;DC=com", out var dn, out var error), error);
        Assert.Equal(4, dn.Components.Count);
        Assert.Equal(new RdnComponent("CN", "JumpCloud Groups"), dn.Components[0]);
        Assert.Equal("CN=JumpCloud Groups,OU=Groups,DC=example,DC=com", dn.ToLdapDn());
        Assert.Equal("CN=JumpCloud Groups;OU=Groups;DC=example;DC=com", dn.ToString());
    }

    [Fact]
    public void TryParse_DomainOnly_Succeeds()
    {
        Assert.True(SemicolonDn.TryParse("DC=example;DC=com", out var dn, out var error), error);
        Assert.Equal(2, dn.Components.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void TryParse_Missing_FailsWithRequiredMessage(string? text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("required", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU=Böse;DC=example;DC=com")]
    [InlineData("OU=People;DC=exämple;DC=com")]
    [InlineData("CN=日本;DC=example;DC=com")]
    public void TryParse_NonAscii_FailsMentioningAscii(string text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("non-ASCII", error, StringComparison.Ordinal);
        Assert.Contains(text, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU=Peo\tple;DC=example;DC=com")]
    [InlineData("OU=People\n;DC=example;DC=com")]
    [InlineData("OU=People\0;DC=example;DC=com")]
    public void TryParse_ControlCharacters_Fails(string text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("control characters", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU=People,DC=example,DC=com")]
    [InlineData("OU=People;DC=example,DC=com")]
    public void TryParse_Commas_FailsSuggestingSemicolons(string text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("commas", error, StringComparison.Ordinal);
        Assert.Contains("semicolons", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ou=People;DC=example;DC=com", "ou", "OU=")]
    [InlineData("Cn=Users;DC=example;DC=com", "Cn", "CN=")]
    [InlineData("OU=People;dc=example;DC=com", "dc", "DC=")]
    public void TryParse_LowercaseType_FailsNamingTypeAndCapitalForm(string text, string type, string capital)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains($"'{type}'", error, StringComparison.Ordinal);
        Assert.Contains("capitals", error, StringComparison.Ordinal);
        Assert.Contains(capital, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("O=x;DC=a;DC=b", "O")]
    [InlineData("UID=jdoe;DC=a;DC=b", "UID")]
    [InlineData("L=Berlin;DC=a;DC=b", "L")]
    public void TryParse_UnknownType_FailsNamingTheType(string text, string type)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains($"'{type}'", error, StringComparison.Ordinal);
        Assert.Contains("not one of CN, OU, DC", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DC=example;CN=Users;DC=com")]
    [InlineData("OU=People;DC=example;OU=More;DC=com")]
    public void TryParse_ContainerAfterDc_Fails(string text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("after a DC component", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU=People")]
    [InlineData("CN=Users;OU=People")]
    [InlineData("DC=example;DC=com;OU=People")]
    public void TryParse_NotEndingInDc_Fails(string text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("must end with the domain's DC components", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU=People;;DC=example;DC=com", "''")]
    [InlineData("OU=People;DC=example;DC=com;", "''")]
    [InlineData("=People;DC=example;DC=com", "'=People'")]
    [InlineData("OU=;DC=example;DC=com", "'OU='")]
    [InlineData("People;DC=example;DC=com", "'People'")]
    public void TryParse_MalformedComponent_FailsNamingTheComponent(string text, string quotedPart)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains($"component {quotedPart}", error, StringComparison.Ordinal);
        Assert.Contains("TYPE=value", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OU= People;DC=example;DC=com")]
    [InlineData("OU=People ;DC=example;DC=com")]
    public void TryParse_ValueWithLeadingOrTrailingSpace_Fails(string text)
    {
        Assert.False(SemicolonDn.TryParse(text, out var dn, out var error));
        Assert.Null(dn);
        Assert.Contains("leading or trailing spaces", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionWithTheError()
    {
        var ex = Assert.Throws<FormatException>(() => SemicolonDn.Parse("O=x;DC=a;DC=b"));
        Assert.Contains("not one of CN, OU, DC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Valid_ReturnsDn()
    {
        Assert.Equal("OU=People,DC=example,DC=com", SemicolonDn.Parse("OU=People;DC=example;DC=com").ToLdapDn());
    }

    [Theory]
    [InlineData("CN=a=b;DC=example;DC=com", @"CN=a\=b,DC=example,DC=com")]
    [InlineData("CN=a+b;DC=example;DC=com", @"CN=a\+b,DC=example,DC=com")]
    [InlineData("CN=say \"hi\";DC=example;DC=com", @"CN=say \""hi\"",DC=example,DC=com")]
    [InlineData(@"CN=back\slash;DC=example;DC=com", @"CN=back\\slash,DC=example,DC=com")]
    [InlineData("CN=<tag>;DC=example;DC=com", @"CN=\<tag\>,DC=example,DC=com")]
    [InlineData("CN=#hash;DC=example;DC=com", @"CN=\#hash,DC=example,DC=com")]
    [InlineData("CN=mid#hash;DC=example;DC=com", "CN=mid#hash,DC=example,DC=com")]
    public void ToLdapDn_SpecialCharacters_AreEscaped(string text, string expected)
    {
        Assert.Equal(expected, SemicolonDn.Parse(text).ToLdapDn());
    }

    [Fact]
    public void ToLdapDn_ValueThatLooksLikeAnInjection_StaysOneComponent()
    {
        // Only one '=' splits the type from the value; the rest is data and must be escaped.
        var dn = SemicolonDn.Parse("CN=x=y+OU=z;DC=example;DC=com");
        Assert.Equal(new RdnComponent("CN", "x=y+OU=z"), dn.Components[0]);
        Assert.Equal(@"CN=x\=y\+OU\=z,DC=example,DC=com", dn.ToLdapDn());
    }

    [Fact]
    public void RdnComponent_ToString_EscapesLeadingAndTrailingSpaces()
    {
        Assert.Equal(@"CN=\ padded\ ", new RdnComponent("CN", " padded ").ToString());
    }

    [Fact]
    public void DnsDomain_LowercasesDcValues()
    {
        Assert.Equal("example.com", SemicolonDn.Parse("OU=People;DC=Example;DC=COM").DnsDomain());
    }

    [Theory]
    [InlineData("OU=People;DC=example;DC=com")]
    [InlineData("CN=JumpCloud Groups;OU=Groups;DC=example;DC=com")]
    [InlineData("DC=example;DC=com")]
    [InlineData("OU=People;DC=EXAMPLE;DC=Com")]
    public void IsWithin_DnInsideDomain_IsTrue(string text)
    {
        Assert.True(SemicolonDn.TryParseDomain("DC=example;DC=com", out var domain, out _));
        Assert.True(SemicolonDn.Parse(text).IsWithin(domain));
    }

    [Theory]
    [InlineData("OU=People;DC=other;DC=com")]
    [InlineData("OU=People;DC=example;DC=org")]
    [InlineData("OU=People;DC=notexample;DC=com")]
    [InlineData("DC=com")]
    [InlineData("OU=example;DC=com")]
    public void IsWithin_DnOutsideDomain_IsFalse(string text)
    {
        Assert.True(SemicolonDn.TryParseDomain("DC=example;DC=com", out var domain, out _));
        Assert.False(SemicolonDn.Parse(text).IsWithin(domain));
    }

    [Fact]
    public void IsWithin_ParentDomainInsideSubdomain_IsFalse()
    {
        Assert.True(SemicolonDn.TryParseDomain("DC=corp;DC=example;DC=com", out var subdomain, out _));
        Assert.False(SemicolonDn.Parse("OU=People;DC=example;DC=com").IsWithin(subdomain));
        Assert.True(SemicolonDn.Parse("OU=People;DC=corp;DC=example;DC=com").IsWithin(subdomain));
    }
}
