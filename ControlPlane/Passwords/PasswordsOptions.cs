namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>Configuration section <c>Passwords</c>.</summary>
public sealed class PasswordsOptions
{
    /// <summary>
    /// Keep each user's current password in the vault (encrypted at rest), so it reaches every account that needs it:
    /// a user bound later, an agent enrolled later, a recreated account. False: a password is only sealed to the
    /// agents enrolled when it is set, and nothing recoverable is kept (entries left from before are erased at start).
    /// </summary>
    public bool Retain { get; set; } = true;

    /// <summary>The key-encryption key file; default <c>password-vault.key</c> in the data folder. Generated at first start.</summary>
    public string? KeyFile { get; set; }
}
