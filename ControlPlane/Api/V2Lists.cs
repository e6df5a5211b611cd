using System.Globalization;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// JumpCloud's v2 list responses: a bare JSON array (the page) and the total count (before paging) in
/// <c>X-Total-Count</c>, which JumpCloud's PowerShell module reads to page and to find objects by name.
/// </summary>
internal static class V2Lists
{
    public const string TotalCountHeader = "X-Total-Count";

    public static IResult Page<T>(HttpResponse response, IReadOnlyList<T> page, int total)
    {
        response.Headers[TotalCountHeader] = total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(page);
    }

    /// <summary>The result of <see cref="ListQuery.Apply{T}"/> as a v2 list.</summary>
    public static IResult ToV2<T>(this (List<T> Page, int Total) result, HttpRequest request) =>
        Page(request.HttpContext.Response, result.Page, result.Total);

    /// <summary>
    /// <c>targets</c> as the schema has it (an array, <c>style: form, explode: false</c>): <c>?targets=a,b</c> and the
    /// repeated <c>?targets=a&amp;targets=b</c> both give [a, b]; absent gives an empty list.
    /// </summary>
    public static List<string> Targets(IEnumerable<string?>? targets) =>
        [.. (targets ?? []).SelectMany(t => (t ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct()];
}
