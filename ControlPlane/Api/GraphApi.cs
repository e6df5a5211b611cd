using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v2 reverse traversals: which ADI domains a user or user group reaches.</summary>
public static class GraphApi
{
    public static RouteGroupBuilder MapGraphApi(this RouteGroupBuilder v2)
    {
        v2.MapGet("/users/{id}/activedirectories", UserDomains).WithTags("Users").WithName("graph_userTraverseActiveDirectory")
            .Produces<List<GraphObjectWithPathsDto>>().Produces<JcError>(404);
        v2.MapGet("/usergroups/{id}/activedirectories", GroupDomains).WithTags("User Groups").WithName("graph_userGroupTraverseActiveDirectory")
            .Produces<List<GraphObjectWithPathsDto>>().Produces<JcError>(404);
        return v2;
    }

    private static async Task<IResult> UserDomains(string id, HttpRequest request, ControlPlaneDb db, DirectoryReach reach, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<GraphObjectWithPathsDto>(request);
        if (query is null)
        {
            return error!;
        }

        if (!await db.Users.AnyAsync(u => u.Id == id, ct))
        {
            return JcErrors.NotFound("user");
        }

        var paths = (await reach.PathsOfUserAsync(id, ct)).ToLookup(p => p.DomainId);
        var rows = paths.Select(p => p.Key).Order(StringComparer.Ordinal).Select(domainId =>
            new GraphObjectWithPathsDto(domainId, GraphPaths.ActiveDirectoryType, GraphPaths.Of(paths[domainId], GraphPaths.ActiveDirectoryType, domainId)));
        return query.Apply(rows).ToV2(request);
    }

    private static async Task<IResult> GroupDomains(string id, HttpRequest request, ControlPlaneDb db, DirectoryReach reach, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<GraphObjectWithPathsDto>(request);
        if (query is null)
        {
            return error!;
        }

        if (!await db.Groups.AnyAsync(g => g.Id == id, ct))
        {
            return JcErrors.NotFound("user group");
        }

        var domainIds = await reach.DomainsOfGroupAsync(id, ct);
        return query.Apply(domainIds.Select(d => new GraphObjectWithPathsDto(d, GraphPaths.ActiveDirectoryType,
            [[new GraphConnectionDto(new GraphObjectDto(d, GraphPaths.ActiveDirectoryType))]]))).ToV2(request);
    }
}
