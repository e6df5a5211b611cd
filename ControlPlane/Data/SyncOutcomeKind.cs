using System.Text.Json.Serialization;
using JumpCloudAdi.Shared.Vocabulary;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>What an agent reported for one change of one object, as stored and shown in <c>syncStatus</c> and the sync history.</summary>
[JsonConverter(typeof(WireEnumConverter<SyncOutcomeKind>))]
public enum SyncOutcomeKind
{
    [JsonStringEnumMemberName("applied")]
    Applied,

    [JsonStringEnumMemberName("skipped")]
    Skipped,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>An acknowledgement that named no outcome (<c>OUTCOME_UNSPECIFIED</c>).</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,
}
