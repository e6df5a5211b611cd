using JumpCloudAdi.Agent.Directory;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

/// <summary>Names of ranged attribute values as AD and Samba return them, and the next range to ask for.</summary>
public sealed class ValueRangeTests
{
    [Theory]
    [InlineData("member;range=0-1499", 0L, 1499L)]
    [InlineData("Member;Range=1500-2999", 1500L, 2999L)]
    [InlineData("member;range=3000-*", 3000L, null)]
    public void Ranged_names_are_parsed(string name, long start, long? end)
    {
        var range = ValueRange.Parse(name, "member");
        Assert.NotNull(range);
        Assert.Equal((name, start, end), (range.Value.AttributeName, range.Value.Start, range.Value.End));
        Assert.Equal(end is null, range.Value.IsLast);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("memberOf;range=0-10")]
    [InlineData("member;range=")]
    [InlineData("member;range=-5")]
    [InlineData("member;range=10-5")]
    [InlineData("member;range=a-b")]
    [InlineData("member;range=0-")]
    [InlineData("member;range=+1-5")]
    public void Anything_else_is_not_a_range(string name) => Assert.Null(ValueRange.Parse(name, "member"));

    [Fact]
    public void The_next_range_starts_after_the_returned_one_with_the_asked_size_or_open_ended()
    {
        var first = ValueRange.Parse("member;range=0-1499", "member")!.Value;
        Assert.Equal("member;range=1500-*", first.Next("member", null));
        Assert.Equal("member;range=1500-1549", first.Next("member", 50));
        Assert.Equal("member;range=0-49", ValueRange.Request("member", 0, 50));
        Assert.Throws<InvalidOperationException>(() => ValueRange.Parse("member;range=5-*", "member")!.Value.Next("member", null));
    }

    [Fact]
    public void The_ranged_attribute_is_found_among_the_returned_names()
    {
        Assert.Equal(100, ValueRange.Find(["cn", "objectGUID", "member;range=100-*"], "member")?.Start);
        Assert.Null(ValueRange.Find(["cn", "member"], "member"));
    }
}
