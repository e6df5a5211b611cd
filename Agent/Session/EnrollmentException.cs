namespace JumpCloudAdi.Agent.Session;

/// <summary>The control plane refused this agent for good (bad connect key, deleted agent): stop and say why.</summary>
public sealed class EnrollmentException(string message) : Exception(message);
