namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// A JumpCloud system user: the v1 fields that matter for sync, and the profile fields JumpCloud's own tools (the
/// PowerShell module's <c>New-JCUser</c>/<c>Set-JCUser</c>, its CSV import) send. A profile string that was never set
/// is <c>null</c> and left out of responses; the composite fields (addresses, phone numbers, custom attributes,
/// recovery email) live in one JSON column, <see cref="ProfileJson"/> (see <see cref="UserProfile"/>).
/// </summary>
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

    public string? Middlename { get; set; }
    public string? Displayname { get; set; }
    public string? JobTitle { get; set; }
    /// <summary>Unique per user when set (JumpCloud: "Must be unique per user").</summary>
    public string? EmployeeIdentifier { get; set; }
    public string? Department { get; set; }
    public string? CostCenter { get; set; }
    public string? Company { get; set; }
    public string? EmployeeType { get; set; }
    public string? Description { get; set; }
    public string? Location { get; set; }
    public string? AlternateEmail { get; set; }
    /// <summary>The id of another system user.</summary>
    public string? Manager { get; set; }
    public int? UnixUid { get; set; }
    public int? UnixGuid { get; set; }
    public bool LdapBindingUser { get; set; }
    public bool EnableUserPortalMultifactor { get; set; }
    public bool ExternallyManaged { get; set; }
    /// <summary><see cref="UserProfile"/> as JSON; <c>null</c> when none of its fields were ever set.</summary>
    public string? ProfileJson { get; set; }
}
