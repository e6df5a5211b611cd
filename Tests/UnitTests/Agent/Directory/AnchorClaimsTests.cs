using JumpCloudAdi.Agent.Directory;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

public class AnchorClaimsTests
{
    private const string Alice = "6b0000000000000000000001";
    private const string Bob = "6b0000000000000000000002";

    [Theory]
    [InlineData("1f8a3c2e-0000-4000-8000-00000000000a")]
    [InlineData("not-a-guid-anchor")]
    public void An_anchor_claimed_by_one_object_is_reported_to_any_other_until_released(string anchor)
    {
        var claims = new AnchorClaims();
        Assert.Null(claims.OwnerOtherThan(anchor, Bob));
        claims.Claim(anchor, Alice);
        Assert.Null(claims.OwnerOtherThan(anchor, Alice));
        Assert.Null(claims.OwnerOtherThan(anchor, Alice.ToUpperInvariant()));
        Assert.Equal(Alice, claims.OwnerOtherThan(anchor.ToUpperInvariant(), Bob));
        claims.Release(Bob);
        Assert.Equal(Alice, claims.OwnerOtherThan(anchor, Bob));
        claims.Release(Alice);
        Assert.Null(claims.OwnerOtherThan(anchor, Bob));
        Assert.Equal(0, claims.Count);
    }

    [Fact]
    public void Ids_that_are_not_JumpCloud_shaped_still_work()
    {
        var claims = new AnchorClaims();
        claims.Claim("1f8a3c2e-0000-4000-8000-00000000000a", "alice");
        Assert.Equal("alice", claims.OwnerOtherThan("1f8a3c2e-0000-4000-8000-00000000000a", "bob"));
        claims.Claim("", "alice");
        claims.Claim("x", "");
        Assert.Equal(1, claims.Count);
    }
}
