using System.Text.Json;
using System.Text.Json.Serialization;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>
/// The composite system-user fields, kept together as JSON in <see cref="SystemUser.ProfileJson"/> (one column on both
/// providers, no join tables): they are read and written whole, never queried by the database. The property names are
/// JumpCloud's, so the same records are the API's request and response shapes.
/// </summary>
public sealed record UserProfile
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public IReadOnlyList<UserAddress> Addresses { get; init; } = [];
    public IReadOnlyList<UserPhoneNumber> PhoneNumbers { get; init; } = [];
    public IReadOnlyList<UserAttribute> Attributes { get; init; } = [];
    public UserRecoveryEmail? RecoveryEmail { get; init; }

    /// <summary>v1 <c>external_dn</c>: the directory entry an IMPORT agent imported the user from (LDAP form).</summary>
    public string? ExternalDn { get; init; }

    /// <summary>v1 <c>external_source_type</c>: <c>ActiveDirectory</c> for imported users.</summary>
    public string? ExternalSourceType { get; init; }

    public static UserProfile Read(string? json) =>
        string.IsNullOrEmpty(json) ? new UserProfile() : JsonSerializer.Deserialize<UserProfile>(json, _json) ?? new UserProfile();

    public string ToJson() => JsonSerializer.Serialize(this, _json);
}

/// <summary>v1 <c>systemuserreturn.addresses[]</c>.</summary>
public sealed record UserAddress(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PoBox,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExtendedAddress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StreetAddress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Locality,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PostalCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Country);

/// <summary>v1 <c>systemuserreturn.phoneNumbers[]</c>.</summary>
public sealed record UserPhoneNumber(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Number);

/// <summary>v1 <c>attribute</c> (a custom attribute: name and value).</summary>
public sealed record UserAttribute(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value);

/// <summary>v1 <c>systemuserreturn.recoveryEmail</c>.</summary>
public sealed record UserRecoveryEmail(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address,
    bool Verified = false);
