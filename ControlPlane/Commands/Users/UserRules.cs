using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>The checks a created or updated user must pass that need the database or the password policy.</summary>
internal static class UserRules
{
    /// <summary>
    /// 409 when another user has this username or email ignoring case (AD's sAMAccountName and LDAP equality ignore
    /// case: two such users would be one directory account).
    /// </summary>
    public static async Task<CommandError?> DuplicateAsync(ControlPlaneDb db, string username, string email, string? exceptId, CancellationToken ct)
    {
        var usernameKey = IdentityKey.Of(username);
        var emailKey = IdentityKey.Of(email);
        if (await db.Users.Where(u => u.UsernameKey == usernameKey && u.Id != exceptId).Select(u => u.Username).FirstOrDefaultAsync(ct) is { } taken)
        {
            return CommandError.Conflict("username", taken == username
                ? $"username: '{username}' already exists"
                : $"username: '{username}' already exists as '{taken}' (usernames ignore case)", "duplicateUsername");
        }

        if (await db.Users.Where(u => u.EmailKey == emailKey && u.Id != exceptId).Select(u => u.Email).FirstOrDefaultAsync(ct) is { } used)
        {
            return CommandError.Conflict("email", used == email
                ? $"email: '{email}' already exists"
                : $"email: '{email}' already exists as '{used}' (emails ignore case)", "duplicateEmail");
        }

        return null;
    }

    /// <summary>The checks of the profile fields that need the database: a unique employee id, an existing manager.</summary>
    public static async Task<CommandError?> CheckProfileAsync(ControlPlaneDb db, SystemUser user, CancellationToken ct)
    {
        if (user.EmployeeIdentifier is { } employeeId && await db.Users.AnyAsync(u => u.EmployeeIdentifier == employeeId && u.Id != user.Id, ct))
        {
            return CommandError.Conflict("employeeIdentifier", $"employeeIdentifier: '{employeeId}' already belongs to another user", "duplicateEmployeeIdentifier");
        }

        if (user.Manager is { } manager && (manager == user.Id || !await db.Users.AnyAsync(u => u.Id == manager, ct)))
        {
            return CommandError.Invalid("manager", $"manager: '{manager}' is not the id of another system user", "invalidManager");
        }

        return null;
    }

    /// <summary>
    /// Checks <paramref name="password"/> against the policy for <paramref name="user"/> (its name as it is now) and,
    /// when it passes, sets the user's hash; the policy's refusal otherwise.
    /// </summary>
    public static CommandError? SetPasswordHash(SystemUser user, string password, PasswordPolicyOptions policy)
    {
        if (PasswordPolicy.Check(password, user.Username, user.Firstname, user.Lastname, policy) is { } weak)
        {
            return CommandError.Invalid("password", weak, "invalidPassword");
        }

        user.PasswordHash = PasswordHasher.Hash(password);
        return null;
    }

    /// <summary>
    /// A user bound to a domain (directly or through a group) must stay syncable into AD; <paramref name="context"/>
    /// turns the rule's sentence into the one the caller sees.
    /// </summary>
    public static CommandError? CheckBindable(SystemUser user, Func<string, string> context) =>
        AdRules.CheckBindable(user) is { } problem
            ? new CommandError(CommandErrorKind.Invalid, context(problem.Message), FieldOf(problem), problem.Status)
            : null;

    /// <summary>The unique index refused (another request took the name, email or employee id after the checks).</summary>
    public static CommandError Taken(SystemUser user) => CommandError.Conflict(null,
        $"username, email or employeeIdentifier: '{user.Username}' / '{user.Email}' / '{user.EmployeeIdentifier}' already exists (ignoring case)", "duplicateUsername");

    // The AD rules name the username, or the first and last name together (which no single form field holds).
    private static string? FieldOf(AdRules.Problem problem) => problem.Status == "invalidUsername" ? "username" : null;
}
