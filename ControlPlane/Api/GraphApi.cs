using JumpCloudAdi.ControlPlane.Data;
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

    private static async Task<IResult> UserDomains(string id, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
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

        var direct = await db.Associations.Where(a => a.TargetType == AssociationTypes.User && a.TargetId == id).Select(a => a.DomainId).ToListAsync(ct);
        var viaGroups = await (from m in db.GroupMembers
                               join a in db.Associations on m.GroupId equals a.TargetId
                               where m.UserId == id && a.TargetType == AssociationTypes.UserGroup
                               select new { a.DomainId, m.GroupId }).ToListAsync(ct);
        var rows = direct.Concat(viaGroups.Select(v => v.DomainId)).Distinct().Order(StringComparer.Ordinal).Select(domainId =>
        {
            var paths = new List<IReadOnlyList<GraphConnectionDto>>();
            if (direct.Contains(domainId))
            {
                paths.Add([new GraphConnectionDto(new GraphObjectDto(domainId, "active_directory"))]);
            }

            paths.AddRange(viaGroups.Where(v => v.DomainId == domainId).Select(v => (IReadOnlyList<GraphConnectionDto>)
                [new GraphConnectionDto(new GraphObjectDto(v.GroupId, AssociationTypes.UserGroup)), new GraphConnectionDto(new GraphObjectDto(domainId, "active_directory"))]));
            return new GraphObjectWithPathsDto(domainId, "active_directory", paths);
        });
        return query.Apply(rows).ToV2(request);
    }

    private static async Task<IResult> GroupDomains(string id, HttpRequest request, ControlPlaneDb db, CancellationToken ct)
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

        var domainIds = await db.Associations.Where(a => a.TargetType == AssociationTypes.UserGroup && a.TargetId == id)
            .OrderBy(a => a.DomainId).Select(a => a.DomainId).ToListAsync(ct);
        return query.Apply(domainIds.Select(d => new GraphObjectWithPathsDto(d, "active_directory",
            [[new GraphConnectionDto(new GraphObjectDto(d, "active_directory"))]]))).ToV2(request);
    }
}
