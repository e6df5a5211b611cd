using System.Text.Json;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v1 <c>/systemusers</c> and <c>/search/systemusers</c>.</summary>
public static class SystemUsersApi
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapSystemUsersApi(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/systemusers").WithTags("System Users");
        group.MapGet("/", List).WithName("systemusers_list").Produces<ResultsDto<SystemUserDto>>().Produces<JcError>(400);
        group.MapPost("/", Create).WithName("systemusers_post").Accepts<UserInput>("application/json").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(409);
        group.MapGet("/{id}", Get).WithName("systemusers_get").Produces<SystemUserDto>().Produces<JcError>(404);
        group.MapPut("/{id}", Update).WithName("systemusers_put").Accepts<UserInput>("application/json").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(404).Produces<JcError>(409);
        group.MapDelete("/{id}", Delete).WithName("systemusers_delete").Produces<SystemUserDto>().Produces<JcError>(404);
        group.MapPost("/{id}/state/suspend", Suspend).WithName("systemusers_state_suspend").Produces<SystemUserDto>().Produces<JcError>(404);
        group.MapPost("/{id}/state/activate", Activate).WithName("systemusers_state_activate").Produces<SystemUserDto>().Produces<JcError>(404);
        group.MapPost("/{id}/unlock", Unlock).WithName("systemusers_unlock").Produces(200).Produces<JcError>(404);
        group.MapPost("/{id}/password", SetPassword).WithName("systemusers_password").Produces(200).Produces<JcError>(400).Produces<JcError>(404);
        v1.MapPost("/search/systemusers", Search).WithTags("Search").WithName("search_systemusers_post").Produces<ResultsDto<SystemUserDto>>().Produces<JcError>(400);
        return group;
    }

    private static async Task<IResult> List(HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<SystemUserDto>(request, v1: true);
        if (error is not null)
        {
            return error;
        }

        if (query!.PagesOnly)
        {
            var count = await db.Users.CountAsync(ct);
            var slice = await db.Users.AsNoTracking().OrderBy(u => u.Id).Skip(query.Skip).Take(query.Limit).ToListAsync(ct);
            return TypedResults.Ok(new { results = query.ProjectPage(slice.Select(u => u.ToDto())), totalCount = count });
        }

        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct);
        var (page, total) = query.Apply(users.Select(u => u.ToDto()));
        return TypedResults.Ok(new { results = page, totalCount = total });
    }

    /// <summary>
    /// v1 <c>POST /search/systemusers</c>: the body's <c>filter</c>, <c>searchFilter</c> and <c>fields</c> (see
    /// <see cref="SystemUserSearch"/>); <c>limit</c> (up to <see cref="Paging.MaxSearchLimit"/>) and <c>skip</c> from the
    /// body or the query string; the query string's <c>filter</c>, <c>sort</c> and <c>fields</c> too.
    /// </summary>
    private static async Task<IResult> Search(HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<SystemUserDto>(request, v1: true, Paging.MaxSearchLimit);
        if (query is null)
        {
            return error!;
        }

        JsonElement body = default;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
            }
            catch (JsonException)
            {
                return JcErrors.BadRequest("body: not valid JSON", "invalidBody");
            }
        }

        var (search, invalid) = SystemUserSearch.Parse(body, ListQuery.KnownFields<SystemUserDto>());
        if (search is null)
        {
            return invalid!;
        }

        if (body.ValueKind == JsonValueKind.Object)
        {
            var (limit, skip, pageError) = BodyPage(body, query);
            if (pageError is not null)
            {
                return pageError;
            }

            query = query.WithPage(limit, skip);
        }

        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct);
        var (matching, failed) = search.Filter(users.Select(u => JsonSerializer.SerializeToNode(u.ToDto(), _json)!.AsObject()));
        if (failed is not null)
        {
            return failed;
        }

        var (page, total) = query.Apply(matching);
        return TypedResults.Ok(new { results = page.ConvertAll(search.Project), totalCount = total });
    }

    private static (int Limit, int Skip, IResult? Error) BodyPage(JsonElement body, ListQuery query)
    {
        int? limit = null, skip = null;
        foreach (var (name, status) in new[] { ("limit", "invalidLimit"), ("skip", "invalidSkip") })
        {
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                return (0, 0, JcErrors.BadRequest($"{name}: must be a whole number", status));
            }

            if (name == "limit")
            {
                limit = number;
            }
            else
            {
                skip = number;
            }
        }

        var page = Paging.From(limit ?? query.Limit, skip ?? query.Skip, Paging.MaxSearchLimit);
        return (page.Limit, page.Skip, page.Error);
    }

    private static async Task<IResult> Get(string id, ControlPlaneDb db, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([id], ct);
        return user is null ? JcErrors.NotFound("user") : TypedResults.Ok(user.ToDto());
    }

    private static async Task<IResult> Create(HttpRequest request, CreateUserCommand create, CancellationToken ct)
    {
        var input = await SystemUserInput.ReadAsync(request, ct);
        return input.Error is { } unreadable ? unreadable.ToResult()
            : (await create.ExecuteAsync(input.Value!, ct)).ToResult(u => TypedResults.Ok(u.ToDto()));
    }

    private static async Task<IResult> Update(string id, HttpRequest request, UpdateUserCommand update, CancellationToken ct) =>
        (await update.ExecuteAsync(id, await SystemUserInput.ReadAsync(request, ct), ct)).ToResult(u => TypedResults.Ok(u.ToDto()));

    private static async Task<IResult> Delete(string id, DeleteUserCommand delete, CancellationToken ct) =>
        (await delete.ExecuteAsync(id, ct)).ToResult(u => TypedResults.Ok(u.ToDto()));

    private static async Task<IResult> Suspend(string id, SuspendUserCommand suspend, CancellationToken ct) =>
        (await suspend.ExecuteAsync(id, ct)).ToResult(u => TypedResults.Ok(u.ToDto()));

    private static async Task<IResult> Activate(string id, ActivateUserCommand activate, CancellationToken ct) =>
        (await activate.ExecuteAsync(id, ct)).ToResult(u => TypedResults.Ok(u.ToDto()));

    private static async Task<IResult> Unlock(string id, UnlockUserCommand unlock, CancellationToken ct) =>
        (await unlock.ExecuteAsync(id, ct)).ToResult(u => TypedResults.Ok(u.ToDto()));

    private static async Task<IResult> SetPassword(string id, PasswordInput? input, SetUserPasswordCommand setPassword, CancellationToken ct) =>
        (await setPassword.ExecuteAsync(id, input?.Password, ct)).ToResult(_ => TypedResults.Ok());
}
