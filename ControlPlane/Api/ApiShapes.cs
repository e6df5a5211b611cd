using System.Text.Json.Serialization;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>v2 <c>active-directory</c>; no <c>primaryAgent</c> (a string in the schema) while the domain has none.</summary>
public sealed record ActiveDirectoryDto(string Id, string Domain, UseCase UseCase,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PrimaryAgent, DateTimeOffset? UpdatedAt);

/// <summary>v2 <c>active-directory</c> request body.</summary>
public sealed record ActiveDirectoryInput(string? Domain, UseCase? UseCase);

/// <summary>v2 <c>active-directory-agent</c> request body.</summary>
public sealed record AgentInput(AgentType? AgentType);

/// <summary>v2 <c>active-directory-agent-get</c> / <c>-list</c>; <c>connectKey</c> only in the create response.</summary>
public sealed record AgentDto(
    string Id,
    AgentType AgentType,
    string State,
    string? Hostname,
    string? HostType,
    string? Version,
    string? ContactAt,
    [property: JsonPropertyName("source_ip")] string? SourceIp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConnectKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ConnectKeyExpiresAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AgentStatsDto? Stats = null);

/// <summary>
/// An extension to <c>active-directory-agent</c>: the counters a connected agent reports in its heartbeats (since its
/// process started), absent while it is not connected to this control plane.
/// </summary>
public sealed record AgentStatsDto(long Applied, long Skipped, long Failed, IReadOnlyDictionary<string, long> LdapErrors,
    string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset ReportedAt);

/// <summary>v2 <c>GraphOperation (ActiveDirectory)</c>.</summary>
public sealed record GraphOperationInput(string? Op, string? Type, string? Id);

/// <summary>v2 <c>GraphConnection</c> as returned by association listings.</summary>
public sealed record GraphConnectionDto(GraphObjectDto To);

/// <summary>v2 <c>GraphObject</c>.</summary>
public sealed record GraphObjectDto(string Id, string Type);

/// <summary>v1 list envelope.</summary>
public sealed record ResultsDto<T>(IReadOnlyList<T> Results, int TotalCount);

/// <summary>
/// v1 <c>systemuserreturn</c> (the fields this control plane models). Profile strings never set are left out rather
/// than <c>null</c>, as JumpCloud's schema types them as strings; the arrays are always present.
/// </summary>
public sealed record SystemUserDto
{
    private const JsonIgnoreCondition Unset = JsonIgnoreCondition.WhenWritingNull;

    [JsonPropertyName("_id")] public required string Id { get; init; }
    [JsonPropertyName("id")] public required string IdAlias { get; init; }
    public required string Username { get; init; }
    public required string Email { get; init; }
    public required string Firstname { get; init; }
    public required string Lastname { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Middlename { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Displayname { get; init; }
    [JsonIgnore(Condition = Unset)] public string? JobTitle { get; init; }
    [JsonIgnore(Condition = Unset)] public string? EmployeeIdentifier { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Department { get; init; }
    [JsonIgnore(Condition = Unset)] public string? CostCenter { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Company { get; init; }
    [JsonIgnore(Condition = Unset)] public string? EmployeeType { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Description { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Location { get; init; }
    [JsonIgnore(Condition = Unset)] public string? AlternateEmail { get; init; }
    [JsonIgnore(Condition = Unset)] public string? Manager { get; init; }
    public IReadOnlyList<Data.UserAddress> Addresses { get; init; } = [];
    public IReadOnlyList<Data.UserPhoneNumber> PhoneNumbers { get; init; } = [];
    public IReadOnlyList<Data.UserAttribute> Attributes { get; init; } = [];
    [JsonIgnore(Condition = Unset)] public Data.UserRecoveryEmail? RecoveryEmail { get; init; }
    [JsonPropertyName("unix_uid"), JsonIgnore(Condition = Unset)] public int? UnixUid { get; init; }
    [JsonPropertyName("unix_guid"), JsonIgnore(Condition = Unset)] public int? UnixGuid { get; init; }
    [JsonPropertyName("ldap_binding_user")] public bool LdapBindingUser { get; init; }
    [JsonPropertyName("enable_user_portal_multifactor")] public bool EnableUserPortalMultifactor { get; init; }
    [JsonPropertyName("externally_managed")] public bool ExternallyManaged { get; init; }
    [JsonPropertyName("external_dn"), JsonIgnore(Condition = Unset)] public string? ExternalDn { get; init; }
    [JsonPropertyName("external_source_type"), JsonIgnore(Condition = Unset)] public string? ExternalSourceType { get; init; }
    public bool Suspended { get; init; }
    [JsonPropertyName("account_locked")] public bool AccountLocked { get; init; }
    public bool Activated { get; init; }
    public required string State { get; init; }
    public DateTimeOffset Created { get; init; }
}

/// <summary>v2 <c>UserGroup</c> (the fields this control plane models); no <c>description</c> when none was given.</summary>
public sealed record UserGroupDto(string Id, string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description, string Type = "user_group");

/// <summary>v2 <c>UserGroupPost</c>/<c>UserGroupPut</c>.</summary>
public sealed record UserGroupInput(string? Name, string? Description);

/// <summary>v2 <c>GraphOperation (UserGroup-Member)</c>.</summary>
public sealed record MemberOperationInput(string? Op, string? Type, string? Id);

/// <summary>v2 <c>GraphObjectWithPaths</c> for membership listings and traversals.</summary>
public sealed record GraphObjectWithPathsDto(string Id, string Type, IReadOnlyList<IReadOnlyList<GraphConnectionDto>> Paths)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SyncStatusDto? SyncStatus { get; init; }
}

/// <summary>v2 <c>SyncStatus</c>: the latest outcome an agent reported for the object.</summary>
public sealed record SyncStatusDto(DateTimeOffset SyncedAt, int Code, string Message, SyncOutcomeKind Outcome)
{
    public static SyncStatusDto From(Data.SyncStatusRecord s) =>
        new(s.SyncedAt, s.Code, string.IsNullOrEmpty(s.Message) ? s.Outcome.ToWire() : $"{s.Outcome.ToWire()}: {s.Message}", s.Outcome);
}

/// <summary>v1 <c>/systemusers/{id}/password</c> body.</summary>
public sealed record PasswordInput(string? Password);

/// <summary>Extension: the change-log range a reconcile queued; results appear as each object's <c>syncStatus</c>.</summary>
public sealed record ReconcileDto(long FromSeq, long ToSeq, int Objects);

/// <summary>v1 <c>organizationslist.results[]</c>.</summary>
public sealed record OrganizationSummaryDto([property: JsonPropertyName("_id")] string Id, string DisplayName);

/// <summary>v1 <c>organization</c> (the fields this control plane has).</summary>
public sealed record OrganizationDto([property: JsonPropertyName("_id")] string Id, string DisplayName, string Created, OrganizationSettingsDto Settings);

/// <summary>v1 <c>organizationsettings</c> (the fields this control plane has; unset strings left out).</summary>
public sealed record OrganizationSettingsDto(
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContactName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContactEmail,
    PasswordPolicySettingsDto PasswordPolicy,
    NewUserStateDefaultsDto NewSystemUserStateDefaults);

/// <summary>v1 <c>organizationsettings.passwordPolicy</c>: the parts of <c>PasswordPolicy:*</c> it can express.</summary>
public sealed record PasswordPolicySettingsDto(bool EnableMinLength, int MinLength, bool AllowUsernameSubstring);

/// <summary>v1 <c>organizationsettings.newSystemUserStateDefaults</c>.</summary>
public sealed record NewUserStateDefaultsDto(string ApplicationImport, string CsvImport, string ManualEntry);

/// <summary>
/// <c>GET /api/settings</c> (not in the published schema): the organization's settings under <c>SETTINGS</c>, as
/// JumpCloud's PowerShell module reads them (<c>$JCSettings.SETTINGS.name</c>, <c>$JCSettings.IS_CUSTOMER</c>).
/// </summary>
public sealed record SettingsDto(
    [property: JsonPropertyName("organization")] string Organization,
    [property: JsonPropertyName("SETTINGS")] OrganizationSettingsDto Settings,
    [property: JsonPropertyName("IS_CUSTOMER")] bool IsCustomer = true);
