using System.Text.Json.Serialization;

namespace JumpCloudAdi.Agent.Configuration;

/// <summary>
/// What happens in the directory to a group unbound from the domain (<c>--group-disconnection-action</c>) or to an
/// unbound user's group memberships (<c>--membership-disconnection-action</c>).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<DisconnectionAction>))]
public enum DisconnectionAction
{
    [JsonStringEnumMemberName("remove")]
    Remove,

    [JsonStringEnumMemberName("retain")]
    Retain,
}
