using System.ComponentModel.DataAnnotations;

namespace JumpCloudAdi.ControlPlane.Hosting;

/// <summary><c>Admin:*</c>: the API key the REST API accepts (generated and printed once when unset).</summary>
public sealed class AdminOptions : IValidatableObject
{
    /// <summary>The shortest <c>Admin:ApiKey</c> accepted (a generated key has 256 bits in 43 characters plus a prefix).</summary>
    public const int MinApiKeyLength = 32;

    public string? ApiKey { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiKey is { Length: > 0 and < MinApiKeyLength })
        {
            yield return new ValidationResult(
                $"Admin:ApiKey must be at least {MinApiKeyLength} characters (it has {ApiKey.Length}); use a random one, e.g. the output of `openssl rand -hex 32`, or leave it unset to have one generated.",
                [nameof(ApiKey)]);
        }
    }
}

/// <summary><c>Api:*</c>: limits of the JumpCloud REST API.</summary>
public sealed class ApiOptions
{
    /// <summary>Largest request body the API reads; larger ones are answered 413 before they are read.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Api:MaxRequestBodyBytes must be between 1024 and 67108864.")]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Failed <c>x-api-key</c> attempts allowed per source address and per key prefix within the window.</summary>
    [Range(1, 100_000, ErrorMessage = "Api:FailedAuthenticationLimit must be between 1 and 100000.")]
    public int FailedAuthenticationLimit { get; set; } = 20;

    [Range(1, 86_400, ErrorMessage = "Api:FailedAuthenticationWindowSeconds must be between 1 and 86400.")]
    public int FailedAuthenticationWindowSeconds { get; set; } = 60;
}

/// <summary><c>Agents:*</c>: primary-lease timing.</summary>
public sealed class AgentsOptions
{
    [Range(2, 3600, ErrorMessage = "Agents:LeaseSeconds must be between 2 and 3600.")]
    public int LeaseSeconds { get; set; } = 4;

    [Range(1, 600, ErrorMessage = "Agents:HeartbeatSeconds must be between 1 and 600.")]
    public int HeartbeatSeconds { get; set; } = 1;

    /// <summary>How often one agent may ask for a reconcile (the gRPC <c>RequestReconcile</c>); more often is refused.</summary>
    [Range(0, 86400, ErrorMessage = "Agents:ReconcileIntervalSeconds must be between 0 and 86400.")]
    public int ReconcileIntervalSeconds { get; set; } = 60;
}

/// <summary><c>ChangeLog:*</c>: how long acknowledged change-log entries are kept.</summary>
public sealed class ChangeLogOptions
{
    /// <summary>
    /// Acknowledged entries older than this are deleted (0: on the next pruning round). Entries the domain's cursor has
    /// not passed are never deleted; the per-object sync status is kept apart and stays.
    /// </summary>
    [Range(0, 87600, ErrorMessage = "ChangeLog:RetentionHours must be between 0 and 87600.")]
    public int RetentionHours { get; set; } = 24;
}

/// <summary><c>ConnectKeys:*</c>: how long a connect key stays valid.</summary>
public sealed class ConnectKeysOptions
{
    [Range(1, 365, ErrorMessage = "ConnectKeys:LifetimeDays must be between 1 and 365.")]
    public int LifetimeDays { get; set; } = 7;
}

/// <summary><c>Data:Directory</c>: where the control plane keeps its database, generated key and certificate.</summary>
public sealed class DataOptions
{
    public string Directory { get; set; } = "data";
}

/// <summary>
/// <c>Organization:*</c>: the one organization this control plane is, as <c>GET /api/organizations</c> lists it
/// (JumpCloud's tools read its name and send its id as <c>x-org-id</c>). The id is generated once and kept in the
/// database, so every replica reports the same one.
/// </summary>
public sealed class OrganizationOptions
{
    [Required(AllowEmptyStrings = false, ErrorMessage = "Organization:Name must not be empty.")]
    [StringLength(256, ErrorMessage = "Organization:Name must be at most 256 characters.")]
    public string Name { get; set; } = "JumpCloud ADI";

    public string? ContactName { get; set; }

    public string? ContactEmail { get; set; }
}

/// <summary><c>Tls:*</c>: extra names for the generated certificate.</summary>
public sealed class TlsOptions
{
    /// <summary>
    /// DNS names (or IP addresses) the generated self-signed certificate names besides this host, <c>localhost</c> and the
    /// loopback addresses: e.g. <c>console.jumpcloud.com</c> for tools that insist on JumpCloud's own host name.
    /// </summary>
    public string[] HostNames { get; set; } = [];
}
