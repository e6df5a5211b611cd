namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>A sync agent of one domain, from connect-key issue through enrollment.</summary>
public sealed class AgentRecord
{
    public required string Id { get; set; }
    public required string DomainId { get; set; }
    public AgentType AgentType { get; set; } = AgentType.Sync;
    public string State { get; set; } = AgentStates.Unsealed;
    public string? Hostname { get; set; }
    public string? HostType { get; set; }
    public string? Version { get; set; }
    public string? SourceIp { get; set; }
    public DateTimeOffset? ContactAt { get; set; }
    public string? SettingsJson { get; set; }

    /// <summary>SHA-256 of the one-time connect key.</summary>
    public required byte[] ConnectKeyHash { get; set; }
    public DateTimeOffset KeyIssuedAt { get; set; }
    public DateTimeOffset KeyExpiresAt { get; set; }
    public DateTimeOffset? KeyConsumedAt { get; set; }

    /// <summary>SHA-256 of the agent's long-lived credential, set at enrollment.</summary>
    public byte[]? CredentialHash { get; set; }

    /// <summary>The agent's P-256 public key (SubjectPublicKeyInfo); passwords for its domain are sealed to it.</summary>
    public byte[]? PublicKey { get; set; }
}
