using JumpCloudAdi.ControlPlane.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JumpCloudAdi.UnitTests.ControlPlane.Api;

public class PagingTests
{
    [Fact]
    public void From_NoValues_UsesDefaults()
    {
        var paging = Paging.From(null, null);

        Assert.Null(paging.Error);
        Assert.Equal(10, paging.Limit);
        Assert.Equal(0, paging.Skip);
    }

    [Fact]
    public void From_LimitZero_UsesDefaultLimit()
    {
        var paging = Paging.From(0, 5);

        Assert.Null(paging.Error);
        Assert.Equal(10, paging.Limit);
        Assert.Equal(5, paging.Skip);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(50, 200)]
    [InlineData(100, 1_000_000)]
    public void From_ValidValues_ArePassedThrough(int limit, int skip)
    {
        var paging = Paging.From(limit, skip);

        Assert.Null(paging.Error);
        Assert.Equal(limit, paging.Limit);
        Assert.Equal(skip, paging.Skip);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void From_LimitOutOfRange_GivesInvalidLimitError(int limit)
    {
        var paging = Paging.From(limit, 0);

        var error = AssertBadRequest(paging.Error);
        Assert.Equal("invalidLimit", error.Status);
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("100", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void From_NegativeSkip_GivesInvalidSkipError(int skip)
    {
        var paging = Paging.From(null, skip);

        var error = AssertBadRequest(paging.Error);
        Assert.Equal("invalidSkip", error.Status);
        Assert.Contains("skip", error.Message, StringComparison.Ordinal);
    }

    private static JcError AssertBadRequest(Microsoft.AspNetCore.Http.IResult? result)
    {
        var json = Assert.IsType<JsonHttpResult<JcError>>(result);
        Assert.Equal(400, json.StatusCode);
        Assert.NotNull(json.Value);
        Assert.Equal(400, json.Value.Code);
        return json.Value;
    }
}
