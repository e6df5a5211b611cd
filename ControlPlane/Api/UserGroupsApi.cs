using JumpCloudAdi.ControlPlane.Commands.Groups;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v2 <c>/usergroups</c>: groups and their direct members.</summary>
public static class UserGroupsApi
{
    public static RouteGroupBuilder MapUserGroupsApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/usergroups").WithTags("User Groups");
        group.MapGet("/", List).WithName("groups_user_list").Produces<List<UserGroupDto>>();
        group.MapPost("/", Create).WithName("groups_user_post").Produces<UserGroupDto>(201).Produces<JcError>(400).Produces<JcError>(409);
        group.MapGet("/{id}", Get).WithName("groups_user_get").Produces<UserGroupDto>().Produces<JcError>(404);
        group.MapPut("/{id}", Update).WithName("groups_user_put").Produces<UserGroupDto>().Produces<JcError>(400).Produces<JcError>(404).Produces<JcError>(409);
        group.MapDelete("/{id}", Delete).WithName("groups_user_delete").Produces<UserGroupDto>().Produces<JcError>(404);
        group.MapGet("/{id}/members", ListMembers).WithName("graph_userGroupMembersList").Produces<List<GraphConnectionDto>>().Produces<JcError>(404);
        group.MapPost("/{id}/members", PostMember).WithName("graph_userGroupMembersPost").Produces(204).Produces<JcError>(400).Produces<JcError>(404);
        group.MapGet("/{id}/membership", Membership).WithName("graph_userGroupMembership").Produces<List<GraphObjectWithPathsDto>>().Produces<JcError>(404);
        return group;
    }

    private static UserGroupDto ToDto(this UserGroup g) => new(g.Id, g.Name, g.Description);

    private static async Task<IResult> List(HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<UserGroupDto>(request);
        if (query is null)
        {
            return error!;
        }

        if (query.PagesOnly)
        {
            var count = await db.Groups.CountAsync(ct);
            var slice = await db.Groups.AsNoTracking().OrderBy(g => g.Id).Skip(query.Skip).Take(query.Limit).ToListAsync(ct);
            return V2Lists.Page(request.HttpContext.Response, query.ProjectPage(slice.Select(g => g.ToDto())), count);
        }

        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Id).ToListAsync(ct);
        return query.Apply(groups.Select(g => g.ToDto())).ToV2(request);
    }

    private static async Task<IResult> Get(string id, ControlPlaneDb db, CancellationToken ct) =>
        await db.Groups.FindAsync([id], ct) is { } g ? TypedResults.Ok(g.ToDto()) : JcErrors.NotFound("user group");

    private static async Task<IResult> Create(UserGroupInput? input, CreateUserGroupCommand create, CancellationToken ct) =>
        (await create.ExecuteAsync(new GroupInput(input?.Name, input?.Description), ct))
            .ToResult(g => TypedResults.Created($"/api/v2/usergroups/{g.Id}", g.ToDto()));

    private static async Task<IResult> Update(string id, UserGroupInput? input, UpdateUserGroupCommand update, CancellationToken ct) =>
        (await update.ExecuteAsync(id, new GroupInput(input?.Name, input?.Description), ct)).ToResult(g => TypedResults.Ok(g.ToDto()));

    private static async Task<IResult> Delete(string id, DeleteUserGroupCommand delete, CancellationToken ct) =>
        (await delete.ExecuteAsync(id, ct)).ToResult(g => TypedResults.Ok(g.ToDto()));

    private static Task<IResult> ListMembers(string id, HttpResponse response, ControlPlaneDb db, int? limit, int? skip, CancellationToken ct) =>
        MembersPageAsync(id, response, db, limit, skip, m => new GraphConnectionDto(new GraphObjectDto(m.UserId, AssociationTypes.User)), ct);

    private static Task<IResult> Membership(string id, HttpResponse response, ControlPlaneDb db, int? limit, int? skip, CancellationToken ct) =>
        MembersPageAsync(id, response, db, limit, skip, m => new GraphObjectWithPathsDto(m.UserId, AssociationTypes.User,
            [[new GraphConnectionDto(new GraphObjectDto(m.UserId, AssociationTypes.User))]]), ct);

    private static async Task<IResult> MembersPageAsync<T>(string id, HttpResponse response, ControlPlaneDb db, int? limit, int? skip, Func<GroupMember, T> shape, CancellationToken ct)
    {
        var page = Paging.From(limit, skip);
        if (page.Error is not null)
        {
            return page.Error;
        }

        if (!await db.Groups.AnyAsync(g => g.Id == id, ct))
        {
            return JcErrors.NotFound("user group");
        }

        var total = await db.GroupMembers.CountAsync(m => m.GroupId == id, ct);
        var members = await db.GroupMembers.Where(m => m.GroupId == id).OrderBy(m => m.UserId).Skip(page.Skip).Take(page.Limit).ToListAsync(ct);
        return V2Lists.Page(response, members.Select(shape).ToList(), total);
    }

    /// <summary>A graph operation on the group's members: <c>op</c> picks the command; only users can be members.</summary>
    private static async Task<IResult> PostMember(string id, MemberOperationInput? input, AddGroupMemberCommand add, RemoveGroupMemberCommand remove,
        CancellationToken ct)
    {
        if (input?.Op is not ("add" or "remove"))
        {
            return JcErrors.BadRequest("op: must be add or remove", "invalidOp");
        }

        if (input.Type != AssociationTypes.User)
        {
            return JcErrors.BadRequest("type: must be user", "invalidType");
        }

        var result = input.Op == "add" ? await add.ExecuteAsync(id, input.Id, ct) : await remove.ExecuteAsync(id, input.Id, ct);
        return result.ToResult(_ => TypedResults.NoContent());
    }
}
