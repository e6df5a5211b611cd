using System.Text.Json;
using System.Text.Json.Nodes;
using JumpCloudAdi.ControlPlane.Api;

namespace JumpCloudAdi.UnitTests.ControlPlane.Api;

public class SystemUserSearchTests
{
    private static readonly JsonObject[] _rows =
    [
        Row("1", "Ada.Lovelace", "Engines", 5001, true),
        Row("2", "adaxlovelace", "Engines", 5002, false),
        Row("3", "ada.lovelace2", "Looms", 5003, true),
        Row("4", "grace", "Navy", 42, false),
    ];

    private static JsonObject Row(string id, string username, string department, int uid, bool sudo) =>
        new() { ["_id"] = id, ["username"] = username, ["department"] = department, ["unix_uid"] = uid, ["sudo"] = sudo, ["recoveryEmail"] = new JsonObject { ["address"] = $"{username}@example.org" } };

    private static List<string> Ids(string body)
    {
        var (search, error) = SystemUserSearch.Parse(JsonDocument.Parse(body).RootElement);
        Assert.Null(error);
        var (matching, failed) = search!.Filter(_rows);
        Assert.Null(failed);
        return matching.ConvertAll(r => r["_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""", "1,2,3,4")]
    [InlineData("""{"filter":[{}]}""", "1,2,3,4")]
    [InlineData("""{"filter":[{"username":"grace"}]}""", "4")]
    [InlineData("""{"filter":{"department":"Engines","sudo":true}}""", "1")]
    [InlineData("""{"filter":{"and":[{"department":"Engines"},{"sudo":false}]}}""", "2")]
    [InlineData("""{"filter":{"or":[{"department":"Looms"},{"username":"grace"}]}}""", "3,4")]
    [InlineData("""{"filter":{"or":["_id:$eq:2","username:$eq:grace"]}}""", "2,4")]
    [InlineData("""{"filter":[{"unix_uid":{"$gt":5001,"$lte":5003}}]}""", "2,3")]
    [InlineData("""{"filter":[{"department":{"$in":["Looms","Navy"]}}]}""", "3,4")]
    [InlineData("""{"filter":[{"department":{"$ne":"Engines"}},{"username":{"$sw":"ada"}}]}""", "3")]
    [InlineData("""{"filter":[{"recoveryEmail.address":"grace@example.org"}]}""", "4")]
    [InlineData("""{"searchFilter":{"searchTerm":["XLOVE","grac"],"fields":["username"]}}""", "2,4")]
    [InlineData("""{"searchFilter":{"searchTerm":"lovelace2"}}""", "3")]
    public void Filters_combine_as_JumpCloud_documents(string body, string expected) =>
        Assert.Equal(expected.Split(','), Ids(body));

    [Theory]
    [InlineData("""(?i)(^ada\\.lovelace$)""", "1")]
    [InlineData("""(^ada\\.lovelace$)""", "")]
    [InlineData("""(?i)^ada.lovelace""", "1,2,3")]
    [InlineData("""(?i)^ada\\.lovelace""", "1,3")]
    [InlineData("""lovelace\\d$""", "3")]
    public void Regex_honours_inline_case_insensitivity_anchors_and_escaped_dots(string pattern, string expected) =>
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), Ids($$$"""{"filter":[{"username":{"$regex":"{{{pattern}}}"}}]}"""));

    [Fact]
    public void A_catastrophic_pattern_runs_in_linear_time_instead_of_timing_out()
    {
        // (a+)+$ against a long run of a's with a bad ending makes a backtracking engine try 2^n paths and hit the
        // timeout (regexTimeout); the NonBacktracking engine answers "no match" directly.
        var rows = new[] { new JsonObject { ["_id"] = "x", ["username"] = new string('a', 5000) + "!" } };
        var (search, error) = SystemUserSearch.Parse(JsonDocument.Parse("""{"filter":[{"username":{"$regex":"^(a+)+$"}}]}""").RootElement);
        Assert.Null(error);
        var (matching, failed) = search!.Filter(rows);
        Assert.Null(failed);
        Assert.Empty(matching);
    }

    [Theory]
    [InlineData("""{"fields":"username  department"}""", "username,department")]
    [InlineData("""{"fields":["username","department"]}""", "username,department")]
    public void Fields_are_a_space_separated_string_or_an_array(string body, string expected)
    {
        var (search, _) = SystemUserSearch.Parse(JsonDocument.Parse(body).RootElement);
        Assert.Equal(expected.Split(','), search!.Fields);
        var projected = search.Project(_rows[0]);
        Assert.Equal(["username", "department", "_id"], projected.Select(p => p.Key));
    }

    [Theory]
    [InlineData("""{"filter":"username"}""")]
    [InlineData("""{"filter":{"and":{"username":"x"}}}""")]
    [InlineData("""{"filter":[{"username":{"$where":"x"}}]}""")]
    [InlineData("""{"filter":[{"username":{"$regex":"("}}]}""")]
    [InlineData("""{"filter":[{"username":{"$regex":5}}]}""")]
    [InlineData("""{"filter":[{"username":{"$regex":"x","$options":"g"}}]}""")]
    [InlineData("""{"filter":["username:like:x"]}""")]
    [InlineData("""{"filter":[{"username":["x"]}]}""")]
    [InlineData("""{"searchFilter":{"searchTerm":{"x":1}}}""")]
    [InlineData("""{"fields":{"username":1}}""")]
    [InlineData("""[]""")]
    public void Malformed_searches_are_a_400(string body)
    {
        var (search, error) = SystemUserSearch.Parse(JsonDocument.Parse(body).RootElement);
        Assert.Null(search);
        Assert.NotNull(error);
    }
}
