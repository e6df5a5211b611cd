using JumpCloudAdi.ControlPlane.Commands;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>A command's outcome as a REST answer: the error in JumpCloud's shape with its status code, or what <c>ok</c> makes of the object.</summary>
public static class CommandResults
{
    public static IResult ToResult(this CommandError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return JcErrors.Of(error.HttpStatus, error.Message, error.Status);
    }

    public static IResult ToResult<T>(this CommandResult<T> result, Func<T, IResult> ok)
    {
        ArgumentNullException.ThrowIfNull(ok);
        return result.Error is { } error ? error.ToResult() : ok(result.Value!);
    }
}
