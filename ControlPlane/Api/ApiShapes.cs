using System.Text.Json.Serialization;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>v2 <c>active-directory</c>.</summary>
public sealed record ActiveDirectoryDto(string Id, string Domain, string UseCase, string? PrimaryAgent, DateTimeOffset? UpdatedAt);

/// <summary>v2 <c>active-directory</c> request body.</summary>
public sealed record ActiveDirectoryInput(string? Domain, string? UseCase);

/// <summary>v2 <c>active-directory-agent</c> request body.</summary>
public sealed record AgentInput(string? AgentType);

/// <summary>v2 <c>active-directory-agent-get</c> / <c>-list</c>; <c>connectKey</c> only in the create response.</summary>
public sealed record AgentDto(
    string Id,
    string AgentType,
    string State,
    string? Hostname,
    string? HostType,
    string? Version,
    string? ContactAt,
    [property: JsonPropertyName("source_ip")] string? SourceIp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConnectKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ConnectKeyExpiresAt = null);

/// <summary>v2 <c>GraphOperation (ActiveDirectory)</c>.</summary>
public sealed record GraphOperationInput(string? Op, string? Type, string? Id);

/// <summary>v2 <c>GraphConnection</c> as returned by association listings.</summary>
public sealed record GraphConnectionDto(GraphObjectDto To);

/// <summary>v2 <c>GraphObject</c>.</summary>
public sealed record GraphObjectDto(string Id, string Type);

/// <summary>v1 list envelope.</summary>
public sealed record ResultsDto<T>(IReadOnlyList<T> Results, int TotalCount);

/// <summary>v1 <c>systemuserreturn</c> (the fields this control plane models).</summary>
public sealed record SystemUserDto(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("id")] string IdAlias,
    string Username,
    string Email,
    string Firstname,
    string Lastname,
    bool Suspended,
    [property: JsonPropertyName("account_locked")] bool AccountLocked,
    bool Activated,
    string State,
    DateTimeOffset Created);

/// <summary>v1 <c>systemuserput</c>/<c>systemuserpost</c> body (the fields this control plane models).</summary>
public sealed record SystemUserInput(string? Username, string? Email, string? Firstname, string? Lastname, string? Password, bool? Suspended);

/// <summary>v2 <c>UserGroup</c> (the fields this control plane models).</summary>
public sealed record UserGroupDto(string Id, string Name, string? Description, string Type = "user_group");

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
public sealed record SyncStatusDto(DateTimeOffset SyncedAt, int Code, string Message, string Outcome)
{
    public static SyncStatusDto From(Data.SyncStatusRecord s) =>
        new(s.SyncedAt, s.Code, string.IsNullOrEmpty(s.Message) ? s.Outcome : $"{s.Outcome}: {s.Message}", s.Outcome);
}

/// <summary>v1 <c>/systemusers/{id}/password</c> body.</summary>
public sealed record PasswordInput(string? Password);

/// <summary>Extension: the change-log range a reconcile queued; results appear as each object's <c>syncStatus</c>.</summary>
public sealed record ReconcileDto(long FromSeq, long ToSeq, int Objects);
