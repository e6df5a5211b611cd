using System.ComponentModel.DataAnnotations;

namespace JumpCloudAdi.ControlPlane.Security;

/// <summary>
/// <c>PasswordPolicy:*</c>. The defaults match Active Directory's default domain policy (minimum length 7, complexity:
/// three of four character classes, no account name and no part of the full name of three or more characters), so a
/// password the control plane accepts is not rejected by the DC afterwards.
/// </summary>
public sealed class PasswordPolicyOptions
{
    [Range(1, 256, ErrorMessage = "PasswordPolicy:MinLength must be between 1 and 256.")]
    public int MinLength { get; set; } = 7;

    [Range(0, 4, ErrorMessage = "PasswordPolicy:RequiredCharacterClasses must be between 0 and 4.")]
    public int RequiredCharacterClasses { get; set; } = 3;

    public bool RejectNameParts { get; set; } = true;

    [Range(1, 1024, ErrorMessage = "PasswordPolicy:MaxLength must be between 1 and 1024.")]
    public int MaxLength { get; set; } = 256;
}

/// <summary>Checks passwords against <see cref="PasswordPolicyOptions"/>; returns a sentence naming the broken rule.</summary>
public static class PasswordPolicy
{
    private static readonly char[] _nameDelimiters = [',', '.', '-', '_', '#', ' ', '\t'];

    public static string? Check(string password, string username, string firstname, string lastname, PasswordPolicyOptions policy)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(policy);
        if (password.Length < policy.MinLength)
        {
            return $"password: must be at least {policy.MinLength} characters long";
        }

        if (password.Length > policy.MaxLength)
        {
            return $"password: must be at most {policy.MaxLength} characters long";
        }

        var classes = (password.Any(char.IsUpper) ? 1 : 0) + (password.Any(char.IsLower) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < policy.RequiredCharacterClasses)
        {
            return $"password: must contain characters from at least {policy.RequiredCharacterClasses} of: uppercase letters, lowercase letters, digits, symbols";
        }

        if (policy.RejectNameParts)
        {
            if (username.Length >= 3 && password.Contains(username, StringComparison.OrdinalIgnoreCase))
            {
                return "password: must not contain the username";
            }

            var parts = $"{firstname} {lastname}".Split(_nameDelimiters, StringSplitOptions.RemoveEmptyEntries);
            if (parts.FirstOrDefault(p => p.Length >= 3 && password.Contains(p, StringComparison.OrdinalIgnoreCase)) is { } part)
            {
                return $"password: must not contain a part of the user's name ('{part}')";
            }
        }

        return null;
    }
}
