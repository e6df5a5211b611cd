using System.Text.Json.Serialization;
using JumpCloudAdi.Shared.Vocabulary;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>JumpCloud's ADI use cases (<c>useCase</c> of an Active Directory instance), in the order of JumpCloud's schema.</summary>
[JsonConverter(typeof(WireEnumConverter<UseCase>))]
public enum UseCase
{
    [JsonStringEnumMemberName("UNSET")]
    Unset,

    [JsonStringEnumMemberName("TWOWAYSYNC")]
    TwoWaySync,

    [JsonStringEnumMemberName("JCASAUTHORITY")]
    JcAsAuthority,

    [JsonStringEnumMemberName("ADASAUTHORITY")]
    AdAsAuthority,
}
