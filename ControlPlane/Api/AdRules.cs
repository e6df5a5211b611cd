using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>The rules of JumpCloud's ADI guide that keep a bound user syncable into Active Directory.</summary>
public static class AdRules
{
    public const int MaxSamAccountNameLength = 20;
    private const string ForbiddenSamCharacters = "\"/\\[]:;|=,+*?<>@";

    public sealed record Problem(string Message, string Status);

    public static Problem? CheckBindable(SystemUser user)
    {
        if (string.IsNullOrWhiteSpace(user.Firstname) || string.IsNullOrWhiteSpace(user.Lastname))
        {
            return new("firstname, lastname: a user bound to an Active Directory domain must have a first and last name", "missingName");
        }

        return CheckSamAccountName(user.Username);
    }

    public static Problem? CheckSamAccountName(string username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return new("username: is required for a user bound to an Active Directory domain", "invalidUsername");
        }

        if (username.Length > MaxSamAccountNameLength)
        {
            return new($"username: '{username}' is longer than {MaxSamAccountNameLength} characters, the limit of an AD sAMAccountName", "invalidUsername");
        }

        var bad = username.FirstOrDefault(ForbiddenSamCharacters.Contains);
        if (bad != default || username.Any(char.IsControl))
        {
            return new($"username: '{username}' contains a character that AD does not allow in a sAMAccountName (none of {ForbiddenSamCharacters})", "invalidUsername");
        }

        return username.EndsWith('.')
            ? new($"username: '{username}' ends with a period, which AD does not allow in a sAMAccountName", "invalidUsername")
            : null;
    }
}
