using JumpCloudAdi.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Groups;

/// <summary>What a group's name must be: present, short enough and free of the characters AD refuses, unique ignoring case.</summary>
internal static class GroupRules
{
    private const int MaxNameLength = 64;

    public static CommandError? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? CommandError.Invalid("name", "name: is required", "nullName")
        : name.Trim().Length > MaxNameLength ? CommandError.Invalid("name", $"name: at most {MaxNameLength} characters (an AD sAMAccountName limit)", "invalidName")
        : name.Any(c => c is '"' or '/' or '\\' or '[' or ']' or ':' or ';' or '|' or '=' or ',' or '+' or '*' or '?' or '<' or '>' || char.IsControl(c))
            ? CommandError.Invalid("name", $"name: '{name}' contains a character AD does not allow in a group name", "invalidName")
        : null;

    /// <summary>409 when another group has this name ignoring case (AD's cn and sAMAccountName ignore case).</summary>
    public static async Task<CommandError?> DuplicateAsync(ControlPlaneDb db, string name, string? exceptId, CancellationToken ct)
    {
        var key = IdentityKey.Of(name);
        return await db.Groups.Where(g => g.NameKey == key && g.Id != exceptId).Select(g => g.Name).FirstOrDefaultAsync(ct) is { } taken
            ? CommandError.Conflict("name", taken == name
                ? $"name: a user group named '{name}' already exists"
                : $"name: a user group named '{taken}' already exists (group names ignore case)", "duplicateName")
            : null;
    }
}
