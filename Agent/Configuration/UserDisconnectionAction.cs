using System.Text.Json.Serialization;

namespace JumpCloudAdi.Agent.Configuration;

/// <summary>What happens in the directory to a user unbound from the domain or deleted (<c>--user-disconnection-action</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<UserDisconnectionAction>))]
public enum UserDisconnectionAction
{
    [JsonStringEnumMemberName("remove")]
    Remove,

    [JsonStringEnumMemberName("retain")]
    Retain,

    [JsonStringEnumMemberName("disable")]
    Disable,
}
