namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud's <c>limit</c> (default 10, max 100) and <c>skip</c>.</summary>
internal readonly record struct Paging(int Limit, int Skip, IResult? Error)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public static Paging From(int? limit, int? skip)
    {
        if (limit is < 0 or > MaxLimit)
        {
            return new(0, 0, JcErrors.BadRequest($"limit: must be between 0 and {MaxLimit}", "invalidLimit"));
        }

        if (skip is < 0)
        {
            return new(0, 0, JcErrors.BadRequest("skip: must not be negative", "invalidSkip"));
        }

        return new(limit is null or 0 ? DefaultLimit : limit.Value, skip ?? 0, null);
    }
}
