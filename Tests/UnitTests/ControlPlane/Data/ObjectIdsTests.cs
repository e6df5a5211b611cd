using System.Globalization;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.ControlPlane.Data;

public class ObjectIdsTests
{
    [Fact]
    public void New_Is24LowercaseHexDigits()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < 50; i++)
        {
            var id = ObjectIds.New(time);
            Assert.Equal(24, id.Length);
            Assert.All(id, ch => Assert.True(char.IsAsciiHexDigitLower(ch), $"unexpected '{ch}' in {id}"));
            Assert.True(ObjectIds.IsValid(id));
        }
    }

    [Theory]
    [InlineData(2024, 5, 1, 12, 0, 0)]
    [InlineData(1970, 1, 1, 0, 0, 1)]
    [InlineData(2038, 1, 19, 3, 14, 8)]
    public void New_First8HexDigitsEncodeUnixSeconds(int y, int mo, int d, int h, int mi, int s)
    {
        var now = new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);

        var id = ObjectIds.New(time);

        var seconds = uint.Parse(id[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(now.ToUnixTimeSeconds(), seconds);
    }

    [Fact]
    public void New_KnownInstant_HasKnownPrefix()
    {
        // 2024-01-01T00:00:00Z is 1704067200 = 0x65920080.
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.StartsWith("65920080", ObjectIds.New(time), StringComparison.Ordinal);
    }

    [Fact]
    public void New_AdvancingTime_ChangesPrefixAndSortsLater()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var first = ObjectIds.New(time);
        time.Advance(TimeSpan.FromSeconds(1));
        var second = ObjectIds.New(time);

        Assert.True(string.CompareOrdinal(first[..8], second[..8]) < 0);
        Assert.Equal(
            uint.Parse(first[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture) + 1,
            uint.Parse(second[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void New_SameInstant_GivesDistinctIds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 100).Select(_ => ObjectIds.New(time)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(100, ids.Count);
    }

    [Theory]
    [InlineData("5f0c8a1b2c3d4e5f6a7b8c9d")]
    [InlineData("000000000000000000000000")]
    [InlineData("ffffffffffffffffffffffff")]
    public void IsValid_WellFormed_IsTrue(string id)
    {
        Assert.True(ObjectIds.IsValid(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5f0c8a1b2c3d4e5f6a7b8c9")]
    [InlineData("5f0c8a1b2c3d4e5f6a7b8c9d0")]
    [InlineData("5F0C8A1B2C3D4E5F6A7B8C9D")]
    [InlineData("5f0c8a1b2c3d4e5f6a7b8c9g")]
    [InlineData("5f0c8a1b2c3d4e5f6a7b8c9 ")]
    [InlineData("../../etc/passwd00000000")]
    public void IsValid_Malformed_IsFalse(string? id)
    {
        Assert.False(ObjectIds.IsValid(id));
    }
}
