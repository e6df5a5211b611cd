namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>A JumpCloud system user (the v1 fields that matter for sync).</summary>
public sealed class SystemUser
{
    private string _username = "";
    private string _email = "";

    public required string Id { get; set; }

    public required string Username
    {
        get => _username;
        set
        {
            _username = value;
            UsernameKey = IdentityKey.Of(value);
        }
    }

    /// <summary><see cref="Username"/> case-folded (<see cref="IdentityKey"/>); unique.</summary>
    public string UsernameKey { get; private set; } = "";

    public required string Email
    {
        get => _email;
        set
        {
            _email = value;
            EmailKey = IdentityKey.Of(value);
        }
    }

    /// <summary><see cref="Email"/> case-folded (<see cref="IdentityKey"/>); unique.</summary>
    public string EmailKey { get; private set; } = "";

    public string Firstname { get; set; } = "";
    public string Lastname { get; set; } = "";
    public bool Suspended { get; set; }
    public bool AccountLocked { get; set; }
    public string? PasswordHash { get; set; }
    public DateTimeOffset Created { get; set; }
}
