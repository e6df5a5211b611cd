using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v2 <c>/usergroups</c>: groups and their direct members.</summary>
public static class UserGroupsApi
{
    private const int MaxNameLength = 64;

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

    private static IResult? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? JcErrors.BadRequest("name: is required", "nullName")
        : name.Trim().Length > MaxNameLength ? JcErrors.BadRequest($"name: at most {MaxNameLength} characters (an AD sAMAccountName limit)", "invalidName")
        : name.Any(c => c is '"' or '/' or '\\' or '[' or ']' or ':' or ';' or '|' or '=' or ',' or '+' or '*' or '?' or '<' or '>' || char.IsControl(c))
            ? JcErrors.BadRequest($"name: '{name}' contains a character AD does not allow in a group name", "invalidName")
        : null;

    private static async Task<IResult> Create(UserGroupInput? input, ControlPlaneDb db, TimeProvider time, CancellationToken ct)
    {
        if (ValidateName(input?.Name) is { } error)
        {
            return error;
        }

        var name = input!.Name!.Trim();
        if (await DuplicateAsync(db, name, exceptId: null, ct) is { } duplicate)
        {
            return duplicate;
        }

        var group = new UserGroup { Id = ObjectIds.New(time), Name = name, Description = input.Description };
        db.Groups.Add(group);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return JcErrors.Conflict($"name: a user group named '{name}' already exists", "duplicateName");
        }

        return TypedResults.Created($"/api/v2/usergroups/{group.Id}", group.ToDto());
    }

    private static Task<IResult> Update(string id, UserGroupInput? input, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var group = await db.Groups.FindAsync([id], ct);
            if (group is null)
            {
                return JcErrors.NotFound("user group");
            }

            if (ValidateName(input?.Name) is { } error)
            {
                return error;
            }

            var name = input!.Name!.Trim();
            if (await DuplicateAsync(db, name, exceptId: id, ct) is { } duplicate)
            {
                return duplicate;
            }

            var renamed = name != group.Name;
            group.Name = name;
            group.Description = input.Description ?? group.Description;
            if (renamed)
            {
                foreach (var domainId in await sync.DomainsOfGroupAsync(id, ct))
                {
                    await log.AppendAsync(domainId, ChangeFactory.GroupUpsert(group), ct);
                }
            }

            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                return JcErrors.Conflict($"name: a user group named '{name}' already exists (ignoring case)", "duplicateName");
            }

            return TypedResults.Ok(group.ToDto());
        }, ct);

    /// <summary>409 when another group has this name ignoring case (AD's cn and sAMAccountName ignore case).</summary>
    private static async Task<IResult?> DuplicateAsync(ControlPlaneDb db, string name, string? exceptId, CancellationToken ct)
    {
        var key = IdentityKey.Of(name);
        return await db.Groups.Where(g => g.NameKey == key && g.Id != exceptId).Select(g => g.Name).FirstOrDefaultAsync(ct) is { } taken
            ? JcErrors.Conflict(taken == name
                ? $"name: a user group named '{name}' already exists"
                : $"name: a user group named '{taken}' already exists (group names ignore case)", "duplicateName")
            : null;
    }

    private static Task<IResult> Delete(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var group = await db.Groups.FindAsync([id], ct);
            if (group is null)
            {
                return JcErrors.NotFound("user group");
            }

            var domains = await sync.DomainsOfGroupAsync(id, ct);
            var members = await sync.MembersAsync(id, ct);
            var memberIds = members.ConvertAll(m => m.Id);
            var before = await sync.DomainsOfUsersAsync(memberIds, ct);

            db.GroupMembers.RemoveRange(db.GroupMembers.Where(m => m.GroupId == id));
            db.Associations.RemoveRange(db.Associations.Where(a => a.TargetType == AssociationTypes.UserGroup && a.TargetId == id));
            db.Groups.Remove(group);
            await log.SaveAsync(ct);
            foreach (var domainId in domains)
            {
                await log.AppendAsync(domainId, ChangeFactory.GroupDisconnect(group), ct);
            }

            var after = await sync.DomainsOfUsersAsync(memberIds, ct);
            foreach (var member in members)
            {
                await sync.UserChangedAsync(member, before[member.Id], after[member.Id], ct);
            }

            await log.CommitAsync(ct);
            return TypedResults.Ok(group.ToDto());
        }, ct);

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

    private static Task<IResult> PostMember(string id, MemberOperationInput? input, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            if (input?.Op is not ("add" or "remove"))
            {
                return JcErrors.BadRequest("op: must be add or remove", "invalidOp");
            }

            if (input.Type != AssociationTypes.User)
            {
                return JcErrors.BadRequest("type: must be user", "invalidType");
            }

            var group = await db.Groups.FindAsync([id], ct);
            if (group is null)
            {
                return JcErrors.NotFound("user group");
            }

            var user = string.IsNullOrEmpty(input.Id) ? null : await db.Users.FindAsync([input.Id], ct);
            if (user is null)
            {
                return JcErrors.NotFound("user");
            }

            var groupDomains = await sync.DomainsOfGroupAsync(id, ct);
            if (input.Op == "add" && groupDomains.Count > 0 && AdRules.CheckBindable(user) is { } problem)
            {
                return JcErrors.BadRequest($"group {group.Name} is bound to an Active Directory domain: {problem.Message}", problem.Status);
            }

            var before = await sync.DomainsOfUserAsync(user.Id, ct);
            var existing = await db.GroupMembers.FindAsync([id, user.Id], ct);
            if (input.Op == "add" && existing is null)
            {
                db.GroupMembers.Add(new GroupMember { GroupId = id, UserId = user.Id });
            }
            else if (input.Op == "remove" && existing is not null)
            {
                db.GroupMembers.Remove(existing);
            }
            else
            {
                return TypedResults.NoContent();
            }

            await log.SaveAsync(ct);
            if (input.Op == "add")
            {
                await sync.UserChangedAsync(user, before, ct);
                await sync.MembershipChangedAsync(group, ct);
            }
            else
            {
                // Out of the group first, then (if it no longer reaches the domain) the user's own disconnection.
                await sync.MembershipChangedAsync(group, ct);
                await sync.UserChangedAsync(user, before, ct);
            }

            await log.CommitAsync(ct);
            return TypedResults.NoContent();
        }, ct);
}
