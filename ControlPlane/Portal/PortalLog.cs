namespace JumpCloudAdi.ControlPlane.Portal;

internal static partial class PortalLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Administrator {Username} signed in to the portal from {Address}")]
    public static partial void SignedIn(ILogger logger, string username, string address);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Failed portal sign-in from {Address}")]
    public static partial void SignInFailed(ILogger logger, string address);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Portal sign-in from {Address} refused: too many failed attempts")]
    public static partial void SignInThrottled(ILogger logger, string address);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Live portal update failed; retrying on the next heartbeat")]
    public static partial void LiveUpdateFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Portal: {Action} by {Username}")]
    public static partial void AdminAction(ILogger logger, string action, string username);
}
