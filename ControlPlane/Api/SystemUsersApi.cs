using System.Text.Json;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v1 <c>/systemusers</c> and <c>/search/systemusers</c>.</summary>
public static class SystemUsersApi
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapSystemUsersApi(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/systemusers").WithTags("System Users");
        group.MapGet("/", List).WithName("systemusers_list").Produces<ResultsDto<SystemUserDto>>().Produces<JcError>(400);
        group.MapPost("/", Create).WithName("systemusers_post").Accepts<SystemUserInput>("application/json").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(409);
        group.MapGet("/{id}", Get).WithName("systemusers_get").Produces<SystemUserDto>().Produces<JcError>(404);
        group.MapPut("/{id}", Update).WithName("systemusers_put").Accepts<SystemUserInput>("application/json").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(404).Produces<JcError>(409);
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

    /// <summary>
    /// 409 when another user has this username or email ignoring case (AD's sAMAccountName and LDAP equality ignore
    /// case: two such users would be one directory account).
    /// </summary>
    private static async Task<IResult?> DuplicateAsync(ControlPlaneDb db, string username, string email, string? exceptId, CancellationToken ct)
    {
        var usernameKey = IdentityKey.Of(username);
        var emailKey = IdentityKey.Of(email);
        if (await db.Users.Where(u => u.UsernameKey == usernameKey && u.Id != exceptId).Select(u => u.Username).FirstOrDefaultAsync(ct) is { } taken)
        {
            return JcErrors.Conflict(taken == username ? $"username: '{username}' already exists" : $"username: '{username}' already exists as '{taken}' (usernames ignore case)",
                "duplicateUsername");
        }

        if (await db.Users.Where(u => u.EmailKey == emailKey && u.Id != exceptId).Select(u => u.Email).FirstOrDefaultAsync(ct) is { } used)
        {
            return JcErrors.Conflict(used == email ? $"email: '{email}' already exists" : $"email: '{email}' already exists as '{used}' (emails ignore case)",
                "duplicateEmail");
        }

        return null;
    }

    private static async Task<IResult> Get(string id, ControlPlaneDb db, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([id], ct);
        return user is null ? JcErrors.NotFound("user") : TypedResults.Ok(user.ToDto());
    }

    private static Task<IResult> Create(HttpRequest request, ControlPlaneDb db, ChangeLog log, PasswordSync passwords, TimeProvider time,
        IOptions<PasswordPolicyOptions> policy, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var (input, bodyError) = await SystemUserInput.ReadAsync(request, ct);
            if (input is null)
            {
                return bodyError!;
            }

            if (input.Validate(creating: true) is { } invalid)
            {
                return invalid;
            }

            var username = input.Username!.Trim();
            var email = input.Email!.Trim();
            if (await DuplicateAsync(db, username, email, exceptId: null, ct) is { } duplicate)
            {
                return duplicate;
            }

            var user = new SystemUser
            {
                Id = ObjectIds.New(time),
                Username = username,
                Email = email,
                Firstname = input.Firstname?.Trim() ?? "",
                Lastname = input.Lastname?.Trim() ?? "",
                Suspended = input.Suspended ?? false,
                Created = time.GetUtcNow(),
            };
            input.ApplyProfileTo(user, time);
            if (await CheckProfileAsync(user, db, ct) is { } conflict)
            {
                return conflict;
            }

            if (!string.IsNullOrEmpty(input.Password))
            {
                if (PasswordPolicy.Check(input.Password, user.Username, user.Firstname, user.Lastname, policy.Value) is { } weak)
                {
                    return JcErrors.BadRequest(weak, "invalidPassword");
                }

                user.PasswordHash = PasswordHasher.Hash(input.Password);
            }

            db.Users.Add(user);
            if (!string.IsNullOrEmpty(input.Password))
            {
                // Kept in the vault (unless seal-only): it reaches each domain the user is bound to later.
                await passwords.AppendAsync(user, input.Password, ct);
            }

            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                // Another request took the name (or email) between the check and the commit: the unique index refused.
                return JcErrors.Conflict($"username, email or employeeIdentifier: '{username}' / '{email}' / '{user.EmployeeIdentifier}' already exists (ignoring case)", "duplicateUsername");
            }

            return TypedResults.Ok(user.ToDto());
        }, ct);

    /// <summary>The checks of the profile fields that need the database: a unique employee id, an existing manager.</summary>
    private static async Task<IResult?> CheckProfileAsync(SystemUser user, ControlPlaneDb db, CancellationToken ct)
    {
        if (user.EmployeeIdentifier is { } employeeId && await db.Users.AnyAsync(u => u.EmployeeIdentifier == employeeId && u.Id != user.Id, ct))
        {
            return JcErrors.Conflict($"employeeIdentifier: '{employeeId}' already belongs to another user", "duplicateEmployeeIdentifier");
        }

        if (user.Manager is { } manager && (manager == user.Id || !await db.Users.AnyAsync(u => u.Id == manager, ct)))
        {
            return JcErrors.BadRequest($"manager: '{manager}' is not the id of another system user", "invalidManager");
        }

        return null;
    }

    private static Task<IResult> Update(string id, HttpRequest request, ControlPlaneDb db, ChangeLog log, DomainSync sync, PasswordSync passwords,
        TimeProvider time, IOptions<PasswordPolicyOptions> policy, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return JcErrors.NotFound("user");
            }

            var (input, bodyError) = await SystemUserInput.ReadAsync(request, ct);
            if (input is null)
            {
                return bodyError!;
            }

            if (input.Validate(creating: false) is { } invalid)
            {
                return invalid;
            }

            var username = input.Username?.Trim() ?? user.Username;
            var email = input.Email?.Trim() ?? user.Email;
            if (await DuplicateAsync(db, username, email, exceptId: id, ct) is { } duplicate)
            {
                return duplicate;
            }

            var domains = await sync.DomainsOfUserAsync(id, ct);
            user.Username = username;
            user.Email = email;
            user.Firstname = input.Firstname?.Trim() ?? user.Firstname;
            user.Lastname = input.Lastname?.Trim() ?? user.Lastname;
            user.Suspended = input.Suspended ?? user.Suspended;
            input.ApplyProfileTo(user, time);
            if (await CheckProfileAsync(user, db, ct) is { } conflict)
            {
                return conflict;
            }

            if (domains.Count > 0 && AdRules.CheckBindable(user) is { } problem)
            {
                return JcErrors.BadRequest($"{problem.Message} (the user is bound to an Active Directory domain)", problem.Status);
            }

            if (!string.IsNullOrEmpty(input.Password))
            {
                if (PasswordPolicy.Check(input.Password, user.Username, user.Firstname, user.Lastname, policy.Value) is { } weak)
                {
                    return JcErrors.BadRequest(weak, "invalidPassword");
                }

                user.PasswordHash = PasswordHasher.Hash(input.Password);
            }

            try
            {
                await log.SaveAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                return JcErrors.Conflict($"username, email or employeeIdentifier: '{username}' / '{email}' / '{user.EmployeeIdentifier}' already exists (ignoring case)", "duplicateUsername");
            }

            await sync.UserChangedAsync(user, domains, ct);
            if (!string.IsNullOrEmpty(input.Password))
            {
                await passwords.AppendAsync(user, input.Password, ct);
            }

            await log.CommitAsync(ct);
            return TypedResults.Ok(user.ToDto());
        }, ct);

    private static Task<IResult> Delete(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, PasswordVault vault, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return JcErrors.NotFound("user");
            }

            var domains = await sync.DomainsOfUserAsync(id, ct);
            var groupIds = await db.GroupMembers.Where(m => m.UserId == id).Select(m => m.GroupId).ToListAsync(ct);
            db.GroupMembers.RemoveRange(db.GroupMembers.Where(m => m.UserId == id));
            db.Associations.RemoveRange(db.Associations.Where(a => a.TargetType == AssociationTypes.User && a.TargetId == id));
            db.SyncStatuses.RemoveRange(db.SyncStatuses.Where(s => s.ObjectId == id));
            vault.Erase(id);
            db.SyncHistory.RemoveRange(db.SyncHistory.Where(h => h.ObjectId == id));
            db.Users.Remove(user);
            await log.SaveAsync(ct);
            foreach (var group in await db.Groups.Where(g => groupIds.Contains(g.Id)).ToListAsync(ct))
            {
                await sync.MembershipChangedAsync(group, ct);
            }

            await sync.UserChangedAsync(user, domains, ct);
            await log.CommitAsync(ct);
            return TypedResults.Ok(user.ToDto());
        }, ct);

    private static Task<IResult> Suspend(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        ChangeStateAsync(id, db, log, sync, u => u.Suspended = true, explicitUnlock: false, ct);

    private static Task<IResult> Activate(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        ChangeStateAsync(id, db, log, sync, u => u.Suspended = false, explicitUnlock: false, ct);

    private static Task<IResult> Unlock(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
        ChangeStateAsync(id, db, log, sync, u => u.AccountLocked = false, explicitUnlock: true, ct);

    private static Task<IResult> ChangeStateAsync(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, Action<SystemUser> change, bool explicitUnlock, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return JcErrors.NotFound("user");
            }

            change(user);
            var domains = await sync.DomainsOfUserAsync(id, ct);
            await log.SaveAsync(ct);
            await sync.UserChangedAsync(user, domains, ct, explicitUnlock);
            await log.CommitAsync(ct);
            return TypedResults.Ok(user.ToDto());
        }, ct);

    private static Task<IResult> SetPassword(string id, PasswordInput? input, ControlPlaneDb db, ChangeLog log, PasswordSync passwords,
        IOptions<PasswordPolicyOptions> policy, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return JcErrors.NotFound("user");
            }

            if (string.IsNullOrEmpty(input?.Password))
            {
                return JcErrors.BadRequest("password: is required", "invalidPassword");
            }

            if (PasswordPolicy.Check(input.Password, user.Username, user.Firstname, user.Lastname, policy.Value) is { } weak)
            {
                return JcErrors.BadRequest(weak, "invalidPassword");
            }

            user.PasswordHash = PasswordHasher.Hash(input.Password);
            await passwords.AppendAsync(user, input.Password, ct);
            await log.CommitAsync(ct);
            return TypedResults.Ok();
        }, ct);
}
