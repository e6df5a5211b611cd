using System.Net.Mail;
using System.Text.Json.Serialization;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Commands.Users;

/// <summary>
/// What a create or update of a system user sets: the fields this control plane stores (JumpCloud's v1
/// <c>systemuserputpost</c> / <c>systemuserput</c>). <c>null</c> means "not given": an update changes only what it names.
/// The REST edge reads it from JSON (<see cref="Api.SystemUserInput"/>), the portal builds it from its form.
/// </summary>
public sealed record UserInput
{
    /// <summary>The longest text field (the employee id is shorter: <see cref="MaxEmployeeIdentifierLength"/>).</summary>
    public const int MaxLength = 1024;
    public const int MaxEmployeeIdentifierLength = 256;

    /// <summary>The most addresses, phone numbers or attributes a user has.</summary>
    public const int MaxItems = 32;

    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? Firstname { get; init; }
    public string? Lastname { get; init; }
    public string? Password { get; init; }
    public bool? Suspended { get; init; }
    public string? Middlename { get; init; }
    public string? Displayname { get; init; }
    public string? JobTitle { get; init; }
    public string? EmployeeIdentifier { get; init; }
    public string? Department { get; init; }
    public string? CostCenter { get; init; }
    public string? Company { get; init; }
    public string? EmployeeType { get; init; }
    public string? Description { get; init; }
    public string? Location { get; init; }
    public string? AlternateEmail { get; init; }
    public string? Manager { get; init; }
    [JsonPropertyName("unix_uid")]
    public int? UnixUid { get; init; }
    [JsonPropertyName("unix_guid")]
    public int? UnixGuid { get; init; }
    [JsonPropertyName("ldap_binding_user")]
    public bool? LdapBindingUser { get; init; }
    [JsonPropertyName("enable_user_portal_multifactor")]
    public bool? EnableUserPortalMultifactor { get; init; }
    [JsonPropertyName("externally_managed")]
    public bool? ExternallyManaged { get; init; }

    /// <summary>v1 <c>external_dn</c>: the directory entry an import brought the user from ("" clears it). Only the import sets it.</summary>
    [JsonPropertyName("external_dn")]
    public string? ExternalDn { get; init; }

    /// <summary>v1 <c>external_source_type</c> (<c>ActiveDirectory</c>; "" clears it). Only the import sets it.</summary>
    [JsonPropertyName("external_source_type")]
    public string? ExternalSourceType { get; init; }
    public IReadOnlyList<UserAddress>? Addresses { get; init; }
    public IReadOnlyList<UserPhoneNumber>? PhoneNumbers { get; init; }
    public IReadOnlyList<UserAttribute>? Attributes { get; init; }
    public UserRecoveryEmail? RecoveryEmail { get; init; }

    /// <summary>True when one of the JSON-column fields was given.</summary>
    [JsonIgnore]
    public bool HasProfile => Addresses is not null || PhoneNumbers is not null || Attributes is not null || RecoveryEmail is not null
        || ExternalDn is not null || ExternalSourceType is not null;

    /// <summary>JumpCloud's status word for a bad field: <c>invalidJobTitle</c>, <c>invalidAddresses</c> for <c>addresses[0].type</c>.</summary>
    public static string StatusOf(string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        return "invalid" + char.ToUpperInvariant(field[0]) + new string(field.Skip(1).TakeWhile(char.IsLetterOrDigit).ToArray());
    }

    /// <summary>Checks the values' sizes and meaning (their JSON types are checked where they are read).</summary>
    public CommandError? Validate(bool creating)
    {
        if (CheckSizes() is { } tooLarge)
        {
            return tooLarge;
        }

        if (creating && string.IsNullOrWhiteSpace(Username))
        {
            return CommandError.Invalid("username", "username: is required", "invalidUsername");
        }

        if (Username is not null && (Username.Trim().Length == 0 || Username.Any(char.IsWhiteSpace)))
        {
            return CommandError.Invalid("username", "username: must be non-empty without spaces", "invalidUsername");
        }

        if ((creating || Email is not null) && (string.IsNullOrWhiteSpace(Email) || !MailAddress.TryCreate(Email.Trim(), out _)))
        {
            return CommandError.Invalid("email", "email: a valid email address is required", "invalidEmail");
        }

        if (!string.IsNullOrWhiteSpace(AlternateEmail) && !MailAddress.TryCreate(AlternateEmail.Trim(), out _))
        {
            return CommandError.Invalid("alternateEmail", "alternateEmail: not a valid email address", "invalidAlternateEmail");
        }

        if (!string.IsNullOrWhiteSpace(RecoveryEmail?.Address) && !MailAddress.TryCreate(RecoveryEmail.Address.Trim(), out _))
        {
            return CommandError.Invalid("recoveryEmail.address", "recoveryEmail.address: not a valid email address", "invalidRecoveryEmail");
        }

        if (!string.IsNullOrEmpty(Manager) && !ObjectIds.IsValid(Manager))
        {
            return CommandError.Invalid("manager", "manager: must be the id of a system user", "invalidManager");
        }

        return null;
    }

    private CommandError? CheckSizes()
    {
        foreach (var (field, items) in new (string, int?)[] { ("addresses", Addresses?.Count), ("phoneNumbers", PhoneNumbers?.Count), ("attributes", Attributes?.Count) })
        {
            if (items > MaxItems)
            {
                return CommandError.Invalid(field, $"{field}: at most {MaxItems} items", StatusOf(field));
            }
        }

        foreach (var (field, value) in Texts())
        {
            var max = field == "employeeIdentifier" ? MaxEmployeeIdentifierLength : MaxLength;
            if (value?.Length > max)
            {
                return CommandError.Invalid(field, $"{field}: at most {max} characters", StatusOf(field));
            }
        }

        return null;
    }

    private IEnumerable<(string Field, string? Value)> Texts()
    {
        (string, string?)[] fields =
        [
            ("username", Username), ("email", Email), ("firstname", Firstname), ("lastname", Lastname), ("password", Password),
            ("middlename", Middlename), ("displayname", Displayname), ("jobTitle", JobTitle), ("employeeIdentifier", EmployeeIdentifier),
            ("department", Department), ("costCenter", CostCenter), ("company", Company), ("employeeType", EmployeeType),
            ("description", Description), ("location", Location), ("alternateEmail", AlternateEmail), ("manager", Manager),
            ("external_dn", ExternalDn), ("external_source_type", ExternalSourceType),
        ];
        foreach (var field in fields)
        {
            yield return field;
        }

        foreach (var (a, i) in (Addresses ?? []).Select((a, i) => (a, i)))
        {
            foreach (var (name, value) in new[] { ("type", a.Type), ("poBox", a.PoBox), ("extendedAddress", a.ExtendedAddress), ("streetAddress", a.StreetAddress),
                ("locality", a.Locality), ("region", a.Region), ("postalCode", a.PostalCode), ("country", a.Country) })
            {
                yield return ($"addresses[{i}].{name}", value);
            }
        }

        foreach (var (p, i) in (PhoneNumbers ?? []).Select((p, i) => (p, i)))
        {
            yield return ($"phoneNumbers[{i}].type", p.Type);
            yield return ($"phoneNumbers[{i}].number", p.Number);
        }

        foreach (var (a, i) in (Attributes ?? []).Select((a, i) => (a, i)))
        {
            yield return ($"attributes[{i}].name", a.Name);
            yield return ($"attributes[{i}].value", a.Value);
        }

        yield return ("recoveryEmail.address", RecoveryEmail?.Address);
    }

    /// <summary>Sets every given profile field on <paramref name="user"/> (strings trimmed; an empty one clears the field).</summary>
    public void ApplyProfileTo(SystemUser user, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(user);
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
                ExternalDn = Set(ExternalDn, profile.ExternalDn),
                ExternalSourceType = Set(ExternalSourceType, profile.ExternalSourceType),
            };
            user.ProfileJson = profile.ToJson();
        }
    }

    private static string? Set(string? given, string? current) => given is null ? current : given.Trim() is { Length: > 0 } t ? t : null;
}
