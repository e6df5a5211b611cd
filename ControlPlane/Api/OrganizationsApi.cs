using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// v1 <c>/organizations</c> and <c>/settings</c>: the one organization this control plane is. JumpCloud's PowerShell
/// module (<c>Connect-JCOnline</c>) lists the organizations, reads <c>/settings</c> and the organization's
/// <c>settings</c>, and then sends the id as <c>x-org-id</c> on every call (see <see cref="OrgIdFilter"/>).
/// </summary>
public static class OrganizationsApi
{
    public static RouteGroupBuilder MapOrganizationsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/organizations", List).WithTags("Organizations").WithName("organization_list").Produces<ResultsDto<OrganizationSummaryDto>>().Produces<JcError>(400);
        v1.MapGet("/organizations/{id}", Get).WithTags("Organizations").WithName("organizations_get").Produces<OrganizationDto>().Produces<JcError>(404);
        v1.MapGet("/settings", Settings).WithTags("Organizations").WithName("settings_get")
            .WithSummary("The settings of the organization the key belongs to (read by JumpCloud's PowerShell module)").Produces<SettingsDto>();
        return v1;
    }

    private static IResult List(HttpRequest request, Organization organization)
    {
        var (query, error) = ListQuery.Parse(request, v1: true);
        if (query is null)
        {
            return error!;
        }

        var (page, total) = query.Apply([new OrganizationSummaryDto(organization.Id, organization.Name)]);
        return TypedResults.Ok(new { results = page, totalCount = total });
    }

    private static IResult Get(string id, Organization organization, IOptions<PasswordPolicyOptions> policy) =>
        id == organization.Id
            ? TypedResults.Ok(new OrganizationDto(organization.Id, organization.Name, organization.Created.ToString("O"), organization.Settings(policy.Value)))
            : JcErrors.NotFound("organization");

    private static IResult Settings(Organization organization, IOptions<PasswordPolicyOptions> policy) =>
        TypedResults.Ok(new SettingsDto(organization.Id, organization.Settings(policy.Value)));
}

/// <summary>
/// Refuses a call whose <c>x-org-id</c> names another organization (401 in JumpCloud's error shape, as JumpCloud
/// answers a key used with an organization it does not administer). No header, or an empty one, means this one.
/// </summary>
public sealed class OrgIdFilter(Organization organization) : IEndpointFilter
{
    public const string Header = "x-org-id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[Header];
        if (presented.Count > 1 || (presented.Count == 1 && !string.IsNullOrEmpty(presented[0]) && presented[0] != organization.Id))
        {
            return JcErrors.Of(401, $"Unauthorized: {Header} does not name an organization this API key administers", "invalidOrgId");
        }

        return await next(context);
    }
}

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
