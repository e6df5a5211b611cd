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
