using System.Text.Json;
using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Commands.Users;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>
/// Reads a v1 <c>systemuserputpost</c> / <c>systemuserput</c> body into a <see cref="UserInput"/>: each stored field is
/// checked for its JSON type (a wrongly typed field is a 400 that names it) and length. Fields JumpCloud has and this
/// control plane does not model are ignored, as JumpCloud ignores fields it does not know. <c>null</c> for a field
/// means "not given". What the values mean is the commands' business (<see cref="UserInput.Validate"/>).
/// </summary>
public static class SystemUserInput
{
    private const int MaxLength = UserInput.MaxLength;
    private const int MaxEmployeeIdentifierLength = UserInput.MaxEmployeeIdentifierLength;
    private const int MaxItems = UserInput.MaxItems;

    /// <summary>Reads the request body (none, or not a JSON object, is a 400 <c>invalidBody</c>).</summary>
    public static async Task<CommandResult<UserInput>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return CommandError.Invalid("body", "body: not valid JSON", "invalidBody");
        }

        return Parse(body);
    }

    public static CommandResult<UserInput> Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return CommandError.Invalid("body", "body: a JSON object is required", "invalidBody");
        }

        try
        {
            var input = new UserInput
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
                    return input;
                case "ACTIVATED" when input.Suspended is not true:
                    return input with { Suspended = false };
                case "SUSPENDED" when input.Suspended is not false:
                    return input with { Suspended = true };
                case "STAGED":
                    throw new FieldException("state", "STAGED is not supported by this control plane (users are ACTIVATED or SUSPENDED)", "invalidState");
                case "ACTIVATED" or "SUSPENDED":
                    throw new FieldException("state", "contradicts suspended", "invalidState");
                default:
                    throw new FieldException("state", "must be ACTIVATED or SUSPENDED", "invalidState");
            }
        }
        catch (FieldException e)
        {
            return CommandError.Invalid(e.Field, $"{e.Field}: {e.Message}", e.Status);
        }
    }

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
        public string Status { get; } = status ?? UserInput.StatusOf(field);
    }
}
