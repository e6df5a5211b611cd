namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud's <c>limit</c> (default 10, max 100; <see cref="MaxSearchLimit"/> on the v1 search endpoints) and <c>skip</c>.</summary>
internal readonly record struct Paging(int Limit, int Skip, IResult? Error)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    /// <summary>What <c>POST /search/systemusers</c> takes: JumpCloud's PowerShell module pages it by 1000.</summary>
    public const int MaxSearchLimit = 1000;

    public static Paging From(int? limit, int? skip, int maxLimit = MaxLimit)
    {
        if (limit is < 0 || limit > maxLimit)
        {
            return new(0, 0, JcErrors.BadRequest($"limit: must be between 0 and {maxLimit}", "invalidLimit"));
        }

        if (skip is < 0)
        {
            return new(0, 0, JcErrors.BadRequest("skip: must not be negative", "invalidSkip"));
        }

        return new(limit is null or 0 ? DefaultLimit : limit.Value, skip ?? 0, null);
    }
}
