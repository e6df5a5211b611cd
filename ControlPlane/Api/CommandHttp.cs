using JumpCloudAdi.ControlPlane.Commands;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>How a command's outcome is answered over REST: its error in JumpCloud's shape, or what the handler makes of its value.</summary>
public static class CommandHttp
{
    public static IResult ToHttp(this CommandError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return JcErrors.Of(error.HttpStatus, error.Message, error.Status);
    }

    public static IResult ToHttp<T>(this CommandResult<T> result, Func<T, IResult> succeeded)
    {
        ArgumentNullException.ThrowIfNull(succeeded);
        return result.Succeeded ? succeeded(result.Value!) : result.Error!.ToHttp();
    }
}
