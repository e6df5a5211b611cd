using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Serialization;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// A v1 <c>systemuserputpost</c> / <c>systemuserput</c> body: the fields this control plane stores, each checked for
/// its JSON type (a wrongly typed field is a 400 that names it) and length. Fields JumpCloud has and this control
/// plane does not model are ignored, as JumpCloud ignores fields it does not know. <c>null</c> for a field means "not
/// given". Only the fields present in the body are set (<c>PUT</c> changes what it names). The handlers read the body
/// themselves (<see cref="ReadAsync"/>); the type also documents it in Swagger.
/// </summary>
public sealed class SystemUserInput
{
    private const int MaxLength = 1024;
    private const int MaxEmployeeIdentifierLength = 256;
    private const int MaxItems = 32;

    private static readonly string[] _addressFields = ["type", "poBox", "extendedAddress", "streetAddress", "locality", "region", "postalCode", "country"];

    public string? Username { get; private set; }
    public string? Email { get; private set; }
    public string? Firstname { get; private set; }
    public string? Lastname { get; private set; }
    public string? Password { get; private set; }
    public bool? Suspended { get; private set; }
    public string? Middlename { get; private set; }
    public string? Displayname { get; private set; }
    public string? JobTitle { get; private set; }
    public string? EmployeeIdentifier { get; private set; }
    public string? Department { get; private set; }
    public string? CostCenter { get; private set; }
    public string? Company { get; private set; }
    public string? EmployeeType { get; private set; }
    public string? Description { get; private set; }
    public string? Location { get; private set; }
    public string? AlternateEmail { get; private set; }
    public string? Manager { get; private set; }
    [JsonPropertyName("unix_uid")]
    public int? UnixUid { get; private set; }
    [JsonPropertyName("unix_guid")]
    public int? UnixGuid { get; private set; }
    [JsonPropertyName("ldap_binding_user")]
    public bool? LdapBindingUser { get; private set; }
    [JsonPropertyName("enable_user_portal_multifactor")]
    public bool? EnableUserPortalMultifactor { get; private set; }
    [JsonPropertyName("externally_managed")]
    public bool? ExternallyManaged { get; private set; }
    public IReadOnlyList<UserAddress>? Addresses { get; private set; }
    public IReadOnlyList<UserPhoneNumber>? PhoneNumbers { get; private set; }
    public IReadOnlyList<UserAttribute>? Attributes { get; private set; }
    public UserRecoveryEmail? RecoveryEmail { get; private set; }

    /// <summary>True when one of the JSON-column fields was given.</summary>
    public bool HasProfile => Addresses is not null || PhoneNumbers is not null || Attributes is not null || RecoveryEmail is not null;

    /// <summary>Reads the request body (none, or not a JSON object, is a 400 <c>invalidBody</c>).</summary>
    public static async Task<(SystemUserInput? Input, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return (null, JcErrors.BadRequest("body: not valid JSON", "invalidBody"));
        }

        return Parse(body);
    }

    public static (SystemUserInput? Input, IResult? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, JcErrors.BadRequest("body: a JSON object is required", "invalidBody"));
        }

        try
        {
            var input = new SystemUserInput
            {
                Username = Text(body, "username"),
                Email = Text(body, "email"),
                Firstname = Text(body, "firstname"),
                Lastname = Text(body, "lastname"),
                Password = Text(body, "password"),
                Suspended = Flag(body, "suspended"),
                Middlename = Text(body, "middlename"),
                Displayname = Text(body, "displayname"),
                JobTitle = Text(body, "jobTitle"),
                EmployeeIdentifier = Text(body, "employeeIdentifier", MaxEmployeeIdentifierLength),
                Department = Text(body, "department"),
                CostCenter = Text(body, "costCenter"),
                Company = Text(body, "company"),
                EmployeeType = Text(body, "employeeType"),
                Description = Text(body, "description"),
                Location = Text(body, "location"),
                AlternateEmail = Text(body, "alternateEmail"),
                Manager = Text(body, "manager"),
                UnixUid = PositiveInt(body, "unix_uid"),
                UnixGuid = PositiveInt(body, "unix_guid"),
                LdapBindingUser = Flag(body, "ldap_binding_user"),
                EnableUserPortalMultifactor = Flag(body, "enable_user_portal_multifactor"),
                ExternallyManaged = Flag(body, "externally_managed"),
                Addresses = Items(body, "addresses", (item, path) => new UserAddress(null,
                    Text(item, "type", MaxLength, path), Text(item, "poBox", MaxLength, path), Text(item, "extendedAddress", MaxLength, path),
                    Text(item, "streetAddress", MaxLength, path), Text(item, "locality", MaxLength, path), Text(item, "region", MaxLength, path),
                    Text(item, "postalCode", MaxLength, path), Text(item, "country", MaxLength, path))),
                PhoneNumbers = Items(body, "phoneNumbers", (item, path) => new UserPhoneNumber(null, Text(item, "type", MaxLength, path), Text(item, "number", MaxLength, path))),
                Attributes = Items(body, "attributes", (item, path) => new UserAttribute(Text(item, "name", MaxLength, path), Text(item, "value", MaxLength, path))),
                RecoveryEmail = Object(body, "recoveryEmail", (item, path) => new UserRecoveryEmail(Text(item, "address", MaxLength, path))),
            };

            // state is JumpCloud's other spelling of suspended (STAGED users are not modelled here).
            switch (Text(body, "state"))
            {
                case null:
                    break;
                case "ACTIVATED" when input.Suspended is not true:
                    input.Suspended = false;
                    break;
                case "SUSPENDED" when input.Suspended is not false:
                    input.Suspended = true;
                    break;
                case "STAGED":
                    throw new FieldException("state", "STAGED is not supported by this control plane (users are ACTIVATED or SUSPENDED)", "invalidState");
                case "ACTIVATED" or "SUSPENDED":
                    throw new FieldException("state", "contradicts suspended", "invalidState");
                default:
                    throw new FieldException("state", "must be ACTIVATED or SUSPENDED", "invalidState");
            }

            return (input, null);
        }
        catch (FieldException e)
        {
            return (null, JcErrors.BadRequest($"{e.Field}: {e.Message}", e.Status));
        }
    }

    private SystemUserInput()
    {
    }

    /// <summary>Checks the values' meaning (the types were checked while reading).</summary>
    public IResult? Validate(bool creating)
    {
        if (creating && string.IsNullOrWhiteSpace(Username))
        {
            return JcErrors.BadRequest("username: is required", "invalidUsername");
        }

        if (Username is not null && (Username.Trim().Length == 0 || Username.Any(char.IsWhiteSpace)))
        {
            return JcErrors.BadRequest("username: must be non-empty without spaces", "invalidUsername");
        }

        if ((creating || Email is not null) && (string.IsNullOrWhiteSpace(Email) || !MailAddress.TryCreate(Email.Trim(), out _)))
        {
            return JcErrors.BadRequest("email: a valid email address is required", "invalidEmail");
        }

        if (!string.IsNullOrWhiteSpace(AlternateEmail) && !MailAddress.TryCreate(AlternateEmail.Trim(), out _))
        {
            return JcErrors.BadRequest("alternateEmail: not a valid email address", "invalidAlternateEmail");
        }

        if (!string.IsNullOrWhiteSpace(RecoveryEmail?.Address) && !MailAddress.TryCreate(RecoveryEmail.Address.Trim(), out _))
        {
            return JcErrors.BadRequest("recoveryEmail.address: not a valid email address", "invalidRecoveryEmail");
        }

        if (!string.IsNullOrEmpty(Manager) && !ObjectIds.IsValid(Manager))
        {
            return JcErrors.BadRequest("manager: must be the id of a system user", "invalidManager");
        }

        return null;
    }

    /// <summary>Sets every given field on <paramref name="user"/> (strings trimmed; an empty one clears the field).</summary>
    public void ApplyProfileTo(SystemUser user, TimeProvider time)
    {
        user.Middlename = Set(Middlename, user.Middlename);
        user.Displayname = Set(Displayname, user.Displayname);
        user.JobTitle = Set(JobTitle, user.JobTitle);
        user.EmployeeIdentifier = Set(EmployeeIdentifier, user.EmployeeIdentifier);
        user.Department = Set(Department, user.Department);
        user.CostCenter = Set(CostCenter, user.CostCenter);
        user.Company = Set(Company, user.Company);
        user.EmployeeType = Set(EmployeeType, user.EmployeeType);
        user.Description = Set(Description, user.Description);
        user.Location = Set(Location, user.Location);
        user.AlternateEmail = Set(AlternateEmail, user.AlternateEmail);
        user.Manager = Set(Manager, user.Manager);
        user.UnixUid = UnixUid ?? user.UnixUid;
        user.UnixGuid = UnixGuid ?? user.UnixGuid;
        user.LdapBindingUser = LdapBindingUser ?? user.LdapBindingUser;
        user.EnableUserPortalMultifactor = EnableUserPortalMultifactor ?? user.EnableUserPortalMultifactor;
        user.ExternallyManaged = ExternallyManaged ?? user.ExternallyManaged;
        if (HasProfile)
        {
            var profile = UserProfile.Read(user.ProfileJson);
            profile = profile with
            {
                Addresses = Addresses?.Select(a => a with { Id = ObjectIds.New(time) }).ToList() ?? profile.Addresses,
                PhoneNumbers = PhoneNumbers?.Select(p => p with { Id = ObjectIds.New(time) }).ToList() ?? profile.PhoneNumbers,
                Attributes = Attributes ?? profile.Attributes,
                RecoveryEmail = RecoveryEmail is null ? profile.RecoveryEmail
                    : string.IsNullOrWhiteSpace(RecoveryEmail.Address) ? null
                    : new UserRecoveryEmail(RecoveryEmail.Address.Trim(), Verified: false),
            };
            user.ProfileJson = profile.ToJson();
        }
    }

    private static string? Set(string? given, string? current) => given is null ? current : given.Trim() is { Length: > 0 } t ? t : null;

    private static string? Text(JsonElement obj, string name, int maxLength = MaxLength, string? parent = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var field = parent is null ? name : $"{parent}.{name}";
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FieldException(field, $"must be a string, not {Kind(value)}");
        }

        var text = value.GetString()!;
        return text.Length > maxLength ? throw new FieldException(field, $"at most {maxLength} characters") : text;
    }

    private static bool? Flag(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new FieldException(name, $"must be true or false, not {Kind(value)}");

    private static int? PositiveInt(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 1 ? number
        : throw new FieldException(name, $"must be a whole number from 1 to {int.MaxValue}, not {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Kind(value))}");

    private static List<T>? Items<T>(JsonElement obj, string name, Func<JsonElement, string, T> read)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FieldException(name, $"must be an array, not {Kind(value)}");
        }

        if (value.GetArrayLength() > MaxItems)
        {
            throw new FieldException(name, $"at most {MaxItems} items");
        }

        var items = new List<T>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{name}[{index++}]";
            items.Add(item.ValueKind == JsonValueKind.Object ? read(item, path) : throw new FieldException(path, $"must be an object, not {Kind(item)}"));
        }

        return items;
    }

    private static T? Object<T>(JsonElement obj, string name, Func<JsonElement, string, T> read)
        where T : class =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Object ? read(value, name)
        : throw new FieldException(name, $"must be an object, not {Kind(value)}");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private sealed class FieldException(string field, string message, string? status = null) : Exception(message)
    {
        public string Field { get; } = field;
        public string Status { get; } = status ?? "invalid" + char.ToUpperInvariant(field[0]) + new string(field.Skip(1).TakeWhile(char.IsLetterOrDigit).ToArray());
    }
}
