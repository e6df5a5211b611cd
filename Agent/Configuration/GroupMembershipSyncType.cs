using System.Text.Json.Serialization;

namespace JumpCloudAdi.Agent.Configuration;

/// <summary>Which groups a synced user is made a direct member of (<c>--group-membership-sync-type</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<GroupMembershipSyncType>))]
public enum GroupMembershipSyncType
{
    /// <summary>Only its own groups.</summary>
    [JsonStringEnumMemberName("minimal")]
    Minimal,

    /// <summary>Also every parent group up to the sync group.</summary>
    [JsonStringEnumMemberName("match")]
    Match,
}
