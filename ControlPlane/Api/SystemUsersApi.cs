using System.Net.Mail;
using System.Text.Json;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v1 <c>/systemusers</c> and <c>/search/systemusers</c>.</summary>
public static class SystemUsersApi
{
    private const int MaxFieldLength = 1024;

    public static RouteGroupBuilder MapSystemUsersApi(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/systemusers").WithTags("System Users");
        group.MapGet("/", List).WithName("systemusers_list").Produces<ResultsDto<SystemUserDto>>().Produces<JcError>(400);
        group.MapPost("/", Create).WithName("systemusers_post").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(409);
        group.MapGet("/{id}", Get).WithName("systemusers_get").Produces<SystemUserDto>().Produces<JcError>(404);
        group.MapPut("/{id}", Update).WithName("systemusers_put").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(404).Produces<JcError>(409);
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

    private static async Task<IResult> Search(HttpRequest request, ControlPlaneDb db, CancellationToken ct)
    {
        var (query, error) = ListQuery.Parse<SystemUserDto>(request, v1: true);
        if (error is not null || query is null)
        {
            return error ?? JcErrors.BadRequest("query: invalid", "invalidQuery");
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

        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct);
        IEnumerable<SystemUser> matching = users;
        if (body.ValueKind == JsonValueKind.Object)
        {
            if (body.TryGetProperty("filter", out var filter))
            {
                var equalities = new List<KeyValuePair<string, string>>();
                if (!CollectEqualities(filter, equalities))
                {
                    return JcErrors.BadRequest("filter: expected an object of field: value pairs, or {\"and\": [...]}", "invalidFilter");
                }

                if (query.AddEqualityFilters(equalities) is { } refused)
                {
                    return refused;
                }
            }

            if (body.TryGetProperty("searchFilter", out var searchFilter) && searchFilter.ValueKind == JsonValueKind.Object
                && searchFilter.TryGetProperty("searchTerm", out var termElement))
            {
                if (termElement.ValueKind != JsonValueKind.String)
                {
                    return JcErrors.BadRequest("searchFilter.searchTerm: must be a string", "invalidSearchFilter");
                }

                var hasFields = searchFilter.TryGetProperty("fields", out var f);
                if (hasFields && (f.ValueKind != JsonValueKind.Array || f.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String)))
                {
                    return JcErrors.BadRequest("searchFilter.fields: must be an array of field names", "invalidSearchFilter");
                }

                var term = termElement.GetString()!;
                List<string> fields = hasFields ? [.. f.EnumerateArray().Select(x => x.GetString()!)] : ["username", "email", "firstname", "lastname"];
                matching = users.Where(u => fields.Any(field => FieldValue(u, field)?.Contains(term, StringComparison.OrdinalIgnoreCase) == true));
            }
        }

        var (page, total) = query.Apply(matching.Select(u => u.ToDto()));
        return TypedResults.Ok(new { results = page, totalCount = total });
    }

    private static bool CollectEqualities(JsonElement filter, List<KeyValuePair<string, string>> into)
    {
        if (filter.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in filter.EnumerateObject())
        {
            if (property.Name is "and" && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var clause in property.Value.EnumerateArray())
                {
                    if (!CollectEqualities(clause, into))
                    {
                        return false;
                    }
                }
            }
            else if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                into.Add(new(property.Name, property.Value.ToString()));
            }
            else
            {
                return false;
            }
        }

        return true;
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

    private static string? FieldValue(SystemUser u, string field) => field switch
    {
        "username" => u.Username,
        "email" => u.Email,
        "firstname" => u.Firstname,
        "lastname" => u.Lastname,
        _ => null,
    };

    private static async Task<IResult> Get(string id, ControlPlaneDb db, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([id], ct);
        return user is null ? JcErrors.NotFound("user") : TypedResults.Ok(user.ToDto());
    }

    private static IResult? ValidateFields(SystemUserInput input, bool creating)
    {
        if (creating && string.IsNullOrWhiteSpace(input.Username))
        {
            return JcErrors.BadRequest("username: is required", "invalidUsername");
        }

        if (input.Username is not null && (input.Username.Trim().Length == 0 || input.Username.Length > MaxFieldLength || input.Username.Any(char.IsWhiteSpace)))
        {
            return JcErrors.BadRequest("username: must be non-empty without spaces", "invalidUsername");
        }

        if ((creating || input.Email is not null) && (string.IsNullOrWhiteSpace(input.Email) || input.Email.Length > MaxFieldLength || !MailAddress.TryCreate(input.Email.Trim(), out _)))
        {
            return JcErrors.BadRequest("email: a valid email address is required", "invalidEmail");
        }

        if (input.Firstname?.Length > MaxFieldLength || input.Lastname?.Length > MaxFieldLength)
        {
            return JcErrors.BadRequest($"firstname, lastname: at most {MaxFieldLength} characters", "invalidName");
        }

        return null;
    }

    private static Task<IResult> Create(SystemUserInput? input, ControlPlaneDb db, ChangeLog log, TimeProvider time, IOptions<PasswordPolicyOptions> policy, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            if (input is null)
            {
                return JcErrors.BadRequest("body: a JSON object with username and email is required", "invalidBody");
            }

            if (ValidateFields(input, creating: true) is { } invalid)
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
            if (!string.IsNullOrEmpty(input.Password))
            {
                if (PasswordPolicy.Check(input.Password, user.Username, user.Firstname, user.Lastname, policy.Value) is { } weak)
                {
                    return JcErrors.BadRequest(weak, "invalidPassword");
                }

                user.PasswordHash = PasswordHasher.Hash(input.Password);
            }

            db.Users.Add(user);
            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
            {
                // Another request took the name (or email) between the check and the commit: the unique index refused.
                return JcErrors.Conflict($"username or email: '{username}' / '{email}' already exists (ignoring case)", "duplicateUsername");
            }

            return TypedResults.Ok(user.ToDto());
        }, ct);

    private static Task<IResult> Update(string id, SystemUserInput? input, ControlPlaneDb db, ChangeLog log, DomainSync sync, PasswordSync passwords,
        IOptions<PasswordPolicyOptions> policy, CancellationToken ct) =>
        log.RunAsync(async () =>
        {
            var user = await db.Users.FindAsync([id], ct);
            if (user is null)
            {
                return JcErrors.NotFound("user");
            }

            if (input is null)
            {
                return JcErrors.BadRequest("body: a JSON object is required", "invalidBody");
            }

            if (ValidateFields(input, creating: false) is { } invalid)
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
                return JcErrors.Conflict($"username or email: '{username}' / '{email}' already exists (ignoring case)", "duplicateUsername");
            }

            await sync.UserChangedAsync(user, domains, ct);
            if (!string.IsNullOrEmpty(input.Password))
            {
                await passwords.AppendAsync(user, input.Password, ct);
            }

            await log.CommitAsync(ct);
            return TypedResults.Ok(user.ToDto());
        }, ct);

    private static Task<IResult> Delete(string id, ControlPlaneDb db, ChangeLog log, DomainSync sync, CancellationToken ct) =>
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
