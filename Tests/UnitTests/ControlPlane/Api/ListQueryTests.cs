using JumpCloudAdi.ControlPlane.Api;
using Microsoft.AspNetCore.Http;

namespace JumpCloudAdi.UnitTests.ControlPlane.Api;

public class ListQueryTests
{
    private sealed record Row(string Id, string Name, int Size, bool Active);

    private static readonly Row[] _rows =
    [
        new("1", "beta", 20, true),
        new("2", "alpha", 5, false),
        new("3", "gamma", 12, true),
        new("4", "Alphabet", 7, true),
    ];

    private static ListQuery Parse(string query, bool v1 = false)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query);
        var (parsed, error) = ListQuery.Parse(context.Request, v1);
        Assert.Null(error);
        return parsed!;
    }

    private static List<string> Ids(string query, bool v1 = false) =>
        Parse(query, v1).Apply(_rows).Page.Select(r => r["id"]!.GetValue<string>()).ToList();

    [Theory]
    [InlineData("filter=name:eq:alpha", new[] { "2" })]
    [InlineData("filter=name:ne:alpha", new[] { "1", "3", "4" })]
    [InlineData("filter=size:gt:7", new[] { "1", "3" })]
    [InlineData("filter=size:le:7", new[] { "2", "4" })]
    [InlineData("filter=name:search:alp", new[] { "2", "4" })]
    [InlineData("filter=name:in:beta|gamma", new[] { "1", "3" })]
    [InlineData("filter=active:eq:true&filter=size:lt:15", new[] { "3", "4" })]
    [InlineData("sort=-size", new[] { "1", "3", "4", "2" })]
    [InlineData("sort=name", new[] { "2", "4", "1", "3" })]
    [InlineData("sort=size&limit=2&skip=1", new[] { "4", "3" })]
    public void Filters_sorting_and_paging_follow_JumpCloud(string query, string[] expected) =>
        Assert.Equal(expected, Ids(query));

    [Fact]
    public void Numbers_compare_as_numbers_not_text() =>
        Assert.Equal(new[] { "1", "3" }, Ids("filter=size:ge:12"));

    [Fact]
    public void V1_separates_sort_fields_with_spaces() =>
        Assert.Equal(new[] { "1", "3", "4", "2" }, Ids("sort=-active%20-size", v1: true));

    [Fact]
    public void Fields_project_but_keep_the_id()
    {
        var row = Parse("fields=name").Apply(_rows).Page[0];
        Assert.Equal(["id", "name"], row.Select(p => p.Key).Order());
    }

    [Fact]
    public void The_total_counts_all_matches_not_the_page()
    {
        var (page, total) = Parse("filter=active:eq:true&limit=1").Apply(_rows);
        Assert.Single(page);
        Assert.Equal(3, total);
    }

    [Theory]
    [InlineData("filter=name:like:x")]
    [InlineData("filter=justafield")]
    [InlineData("limit=101")]
    [InlineData("skip=-1")]
    [InlineData("limit=abc")]
    public void Malformed_queries_are_errors(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query);
        var (parsed, error) = ListQuery.Parse(context.Request);
        Assert.Null(parsed);
        Assert.NotNull(error);
    }
}
