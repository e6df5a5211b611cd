using System.Net.Mail;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud v1 <c>/systemusers</c>.</summary>
public static class SystemUsersApi
{
    public static RouteGroupBuilder MapSystemUsersApi(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/systemusers").WithTags("System Users");
        group.MapGet("/", List).WithName("systemusers_list").Produces<ResultsDto<SystemUserDto>>();
        group.MapPost("/", Create).WithName("systemusers_post").Produces<SystemUserDto>().Produces<JcError>(400).Produces<JcError>(409);
        group.MapGet("/{id}", Get).WithName("systemusers_get").Produces<SystemUserDto>().Produces<JcError>(404);
        return group;
    }

    private static async Task<IResult> List(ControlPlaneDb db, int? limit, int? skip, CancellationToken ct)
    {
        var page = Paging.From(limit, skip);
        if (page.Error is not null)
        {
            return page.Error;
        }

        var total = await db.Users.CountAsync(ct);
        var users = await db.Users.OrderBy(u => u.Id).Skip(page.Skip).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(new ResultsDto<SystemUserDto>(users.Select(u => u.ToDto()).ToList(), total));
    }

    private static async Task<IResult> Get(string id, ControlPlaneDb db, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([id], ct);
        return user is null ? JcErrors.NotFound("user") : TypedResults.Ok(user.ToDto());
    }

    private static async Task<IResult> Create(SystemUserInput? input, ControlPlaneDb db, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input?.Username))
        {
            return JcErrors.BadRequest("username: is required", "invalidUsername");
        }

        if (string.IsNullOrWhiteSpace(input.Email) || !MailAddress.TryCreate(input.Email, out _))
        {
            return JcErrors.BadRequest("email: a valid email address is required", "invalidEmail");
        }

        var username = input.Username.Trim();
        var email = input.Email.Trim();
        if (await db.Users.AnyAsync(u => u.Username == username, ct))
        {
            return JcErrors.Conflict($"username: '{username}' already exists", "duplicateUsername");
        }

        if (await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            return JcErrors.Conflict($"email: '{email}' already exists", "duplicateEmail");
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
            user.PasswordHash = PasswordHasher.Hash(input.Password);
        }

        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return JcErrors.Conflict($"username or email of '{username}' already exists", "duplicateUser");
        }

        return TypedResults.Ok(user.ToDto());
    }
}
