using System.Diagnostics.CodeAnalysis;
using JumpCloudAdi.Shared.Vocabulary;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>Stores a vocabulary enum as its wire spelling (<c>SYNC</c>, <c>TWOWAYSYNC</c>, <c>applied</c>): the strings the columns always held.</summary>
public sealed class WireValueConverter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum> : ValueConverter<TEnum, string>
    where TEnum : struct, Enum
{
    public WireValueConverter()
        : base(v => WireNames<TEnum>.Of(v), s => WireNames<TEnum>.Parse(s))
    {
    }
}
