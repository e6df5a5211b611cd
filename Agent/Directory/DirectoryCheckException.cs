namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// The directory side is set up so that the agent must not run (a start-up check failed, a certificate does not
/// validate, the service account is refused): retrying cannot help, a person must act. The message is one sentence.
/// </summary>
public sealed class DirectoryCheckException(string message) : Exception(message);
