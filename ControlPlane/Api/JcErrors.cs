namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud's error body: <c>{code, message, status}</c>.</summary>
public sealed record JcError(int Code, string Message, string? Status = null);

/// <summary>Shorthands for JumpCloud-shaped error results.</summary>
public static class JcErrors
{
    public static IResult BadRequest(string message, string status) => Of(400, message, status);

    public static IResult NotFound(string what) => Of(404, $"{what} not found");

    public static IResult Conflict(string message, string status) => Of(409, message, status);

    public static IResult Unauthorized() => Of(401, "Unauthorized: a valid x-api-key header is required");

    public static IResult Of(int code, string message, string? status = null) =>
        TypedResults.Json(new JcError(code, message, status), statusCode: code);
}
