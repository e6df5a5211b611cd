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

    /// <summary>Where the key-encryption key is kept: <c>File</c> (default, <see cref="KeyFile"/>) or <c>Pkcs11</c> (<see cref="Pkcs11"/>).</summary>
    public string KeyProvider { get; set; } = "File";

    /// <summary>The key-encryption key file; default <c>password-vault.key</c> in the data folder. Generated at first start.</summary>
    public string? KeyFile { get; set; }

    /// <summary><c>Passwords:Pkcs11:*</c>, used when <see cref="KeyProvider"/> is <c>Pkcs11</c>.</summary>
    public Pkcs11KeyOptions Pkcs11 { get; set; } = new();
}

/// <summary>A key-encryption key on a PKCS#11 token (a hardware security module, or SoftHSM2).</summary>
public sealed class Pkcs11KeyOptions
{
    /// <summary>The module's library, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public string? Library { get; set; }

    /// <summary>The label of the token that holds the keys.</summary>
    public string? TokenLabel { get; set; }

    /// <summary>The token's user PIN (prefer <see cref="PinFile"/>, or the environment: <c>Passwords__Pkcs11__Pin</c>).</summary>
    public string? Pin { get; set; }

    /// <summary>A file holding the user PIN (first line), readable by the service account only.</summary>
    public string? PinFile { get; set; }

    /// <summary>The keys' label prefix: versions are <c>PREFIX-1</c>, <c>PREFIX-2</c>, ... (the highest is current).</summary>
    public string KeyLabel { get; set; } = "jcadi-password-kek";
}
