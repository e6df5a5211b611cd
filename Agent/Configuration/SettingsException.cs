namespace JumpCloudAdi.Agent.Configuration;

/// <summary>A problem with the settings a person must fix; its message is one sentence for the command line.</summary>
public sealed class SettingsException(string message) : Exception(message);
