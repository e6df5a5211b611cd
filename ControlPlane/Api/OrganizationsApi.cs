using JumpCloudAdi.ControlPlane.Security;
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

    /// <summary>
    /// v2 <c>/policytemplates</c>: <c>Connect-JCOnline</c> of current module versions lists the policy templates while
    /// connecting. This control plane manages no device policies, so the list is empty (with <c>X-Total-Count: 0</c>)
    /// rather than a 404 that would stop the module.
    /// </summary>
    public static RouteGroupBuilder MapPolicyTemplatesApi(this RouteGroupBuilder v2)
    {
        v2.MapGet("/policytemplates", (HttpResponse response) => V2Lists.Page(response, Array.Empty<object>(), 0))
            .WithTags("Organizations").WithName("policytemplates_list").WithSummary("Always empty: no device policies are managed here");
        return v2;
    }

    private static IResult List(HttpRequest request, Organization organization)
    {
        var (query, error) = ListQuery.Parse<OrganizationSummaryDto>(request, v1: true);
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
