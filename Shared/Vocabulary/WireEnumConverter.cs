using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JumpCloudAdi.Shared.Vocabulary;

/// <summary>
/// JSON for a vocabulary enum: written and read as its exact wire spelling (<see cref="WireNames{TEnum}"/>). Unlike
/// <see cref="JsonStringEnumConverter{TEnum}"/> it accepts no numbers and no other casing, so a request is refused
/// for exactly the values it always was; the refusal (<see cref="WireValueException"/>) says what is allowed.
/// Source-generation and NativeAOT safe (put it on the enum with <see cref="JsonConverterAttribute"/>).
/// </summary>
public sealed class WireEnumConverter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && WireNames<TEnum>.TryParse(reader.GetString(), out var value)
            ? value
            : throw new WireValueException(WireNames<TEnum>.Allowed);

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(WireNames<TEnum>.Of(value));
    }
}

/// <summary>A JSON value that is not one of its field's spellings; <see cref="JsonException.Path"/> names the field.</summary>
public sealed class WireValueException : JsonException
{
    public WireValueException(string allowed)
        : base($"must be {allowed}") => Allowed = allowed;

    public WireValueException()
        : this("") { }

    public WireValueException(string message, Exception innerException)
        : base(message, innerException) => Allowed = "";

    /// <summary>The allowed spellings, as in <see cref="WireNames{TEnum}.Allowed"/>.</summary>
    public string Allowed { get; }
}
