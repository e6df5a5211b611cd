using System.Text.Json.Serialization;

namespace JumpCloudAdi.Agent.Configuration;

/// <summary>The on-disk form: settings with the secrets replaced by an AES-GCM envelope.</summary>
internal sealed class SettingsFile
{
    public int FormatVersion { get; set; } = 1;
    public AgentSettings Settings { get; set; } = new();

    /// <summary>base64(nonce | tag | ciphertext) of the JSON of <see cref="Secrets"/>.</summary>
    public string? EncryptedSecrets { get; set; }
}

/// <summary>The secret part of the settings, encrypted as one blob.</summary>
internal sealed class Secrets
{
    public string? BindPassword { get; set; }
    public string? ConnectKey { get; set; }
    public string? AgentCredential { get; set; }
    public string? AgentPrivateKey { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SettingsFile))]
[JsonSerializable(typeof(Secrets))]
[JsonSerializable(typeof(AgentStatus))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
