using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.IntegrationTests.Api;

/// <summary>
/// <c>Get-JCUser</c> pages <c>POST /api/search/systemusers</c> by 1000 and stops at the first shorter page: with more
/// than 1000 users every one of them must come back, once.
/// </summary>
public sealed class SearchPagingTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const int Users = 1_005;

    [Fact]
    public async Task Paging_the_search_by_1000_as_Get_JCUser_does_returns_every_user_once()
    {
        var cp = host.ControlPlane;
        var prefix = ApiAssert.Unique("pg")[..6];
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(Enumerable.Range(0, Users).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await cp.MustAsync(HttpMethod.Post, "/api/systemusers", new { username = $"{prefix}{i:D4}", email = $"{prefix}{i:D4}@example.com" }, 200);
            }
            finally
            {
                gate.Release();
            }
        }));

        List<string> expected;
        await using (var db = await cp.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync())
        {
            expected = await db.Users.Select(u => u.Id).ToListAsync();
        }

        Assert.True(expected.Count > 1000);
        var client = new RawClient(cp.Api);
        var seen = new List<string>();
        var pages = 0;
        for (var skip = 0; ; skip += 1000)
        {
            // Exactly what the module sends: limit in the query string and in the body, filter [{}], fields as an array.
            var (body, _) = await client.MustAsync(HttpMethod.Post, "/api/search/systemusers?limit=1000",
                $$"""{"filter":[{}],"limit":1000,"skip":{{skip}},"fields":["username","email"]}""", 200);
            pages++;
            Assert.Equal(expected.Count, body["totalCount"]!.GetValue<int>());
            var results = body["results"]!.AsArray();
            Assert.All(results, r => Assert.Null(r!["firstname"]));
            seen.AddRange(results.Select(r => r!["_id"]!.GetValue<string>()));
            if (results.Count < 1000)
            {
                break;
            }
        }

        Assert.Equal(2, pages);
        Assert.Equal(expected.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}
