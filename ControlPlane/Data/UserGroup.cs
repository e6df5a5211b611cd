namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>A JumpCloud user group.</summary>
public sealed class UserGroup
{
    private string _name = "";

    public required string Id { get; set; }

    public required string Name
    {
        get => _name;
        set
        {
            _name = value;
            NameKey = IdentityKey.Of(value);
        }
    }

    /// <summary><see cref="Name"/> case-folded (<see cref="IdentityKey"/>); unique.</summary>
    public string NameKey { get; private set; } = "";

    public string? Description { get; set; }
}
