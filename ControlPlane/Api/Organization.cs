using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>The organization's identity: <c>Organization:Name</c> and an id generated once into the database.</summary>
public sealed class Organization
{
    /// <summary>The <see cref="ControlPlaneSetting"/> that holds the generated id.</summary>
    public const string IdSetting = "organization.id";

    private readonly OrganizationOptions _options;

    public Organization(IOptions<OrganizationOptions> options, IDbContextFactory<ControlPlaneDb> databases, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(databases);
        _options = options.Value;
        using var db = databases.CreateDbContext();
        Id = ControlPlaneSettings.GetOrAdd(db, IdSetting, ObjectIds.New(time)).Value;
        // An object id starts with its creation time in seconds.
        Created = DateTimeOffset.FromUnixTimeSeconds(Convert.ToUInt32(Id[..8], 16));
    }

    public string Id { get; }
    public string Name => _options.Name.Trim();
    public DateTimeOffset Created { get; }

    public OrganizationSettingsDto Settings(PasswordPolicyOptions policy) => new(
        Name,
        string.IsNullOrWhiteSpace(_options.ContactName) ? null : _options.ContactName.Trim(),
        string.IsNullOrWhiteSpace(_options.ContactEmail) ? null : _options.ContactEmail.Trim(),
        new PasswordPolicySettingsDto(EnableMinLength: true, policy.MinLength, AllowUsernameSubstring: !policy.RejectNameParts),
        new NewUserStateDefaultsDto("ACTIVATED", "ACTIVATED", "ACTIVATED"));
}
