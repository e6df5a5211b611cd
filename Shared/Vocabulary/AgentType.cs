using System.Text.Json.Serialization;

namespace JumpCloudAdi.Shared.Vocabulary;

/// <summary>What an agent does (JumpCloud's <c>agentType</c>): a SYNC agent writes the domain's change log into the directory; an IMPORT agent never does.</summary>
[JsonConverter(typeof(WireEnumConverter<AgentType>))]
public enum AgentType
{
    [JsonStringEnumMemberName("SYNC")]
    Sync,

    [JsonStringEnumMemberName("IMPORT")]
    Import,
}
