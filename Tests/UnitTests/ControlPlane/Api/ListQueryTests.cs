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
        var (parsed, error) = ListQuery.Parse<Row>(context.Request, v1);
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
    [InlineData("filter=nosuch:eq:1")]
    [InlineData("sort=-nosuch")]
    [InlineData("fields=name,nosuch")]
    [InlineData("sort=name.inner")]
    [InlineData("sort=id,name,size,active,id,name")]
    [InlineData("filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1&filter=id:eq:1")]
    public void Malformed_queries_are_errors(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query);
        var (parsed, error) = ListQuery.Parse<Row>(context.Request);
        Assert.Null(parsed);
        Assert.NotNull(error);
    }

    private sealed record Outer(string Id, Row Inner, List<Row> Items);

    [Fact]
    public void Nested_object_fields_are_known_as_dotted_names_collections_by_their_own_name()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?filter=inner.name:eq:x&sort=items,-inner.size&fields=inner");
        Assert.Null(ListQuery.Parse<Outer>(context.Request).Error);
        context.Request.QueryString = new QueryString("?sort=items.name");
        Assert.NotNull(ListQuery.Parse<Outer>(context.Request).Error);
    }

    [Fact]
    public void Search_body_equalities_are_checked_like_query_filters()
    {
        var query = Parse("");
        Assert.NotNull(query.AddEqualityFilters([new("nosuch", "x")]));
        Assert.NotNull(query.AddEqualityFilters([.. Enumerable.Range(0, ListQuery.MaxFilters + 1).Select(i => new KeyValuePair<string, string>("name", "x"))]));
        Assert.Null(query.AddEqualityFilters([new("name", "alpha")]));
        Assert.Equal(["2"], query.Apply(_rows).Page.Select(r => r["id"]!.GetValue<string>()));
    }
}
