using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;

namespace JumpCloudAdi.Shared.Vocabulary;

/// <summary>
/// The exact wire spellings of a vocabulary enum, read once from its members' <see cref="JsonStringEnumMemberNameAttribute"/>:
/// the one list JSON, the database, the command line and error messages all use. Parsing is exact (ordinal): the wire
/// has always accepted only these spellings.
/// </summary>
public static class WireNames<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>
    where TEnum : struct, Enum
{
    private static readonly (TEnum Value, string Name)[] _members = Read();

    /// <summary>Every spelling, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(_members.Select(m => m.Name).ToArray());

    /// <summary>What a refusal says is allowed: <c>SYNC or IMPORT</c>, <c>one of UNSET, TWOWAYSYNC, ...</c>.</summary>
    public static string Allowed { get; } = All.Count == 2 ? $"{All[0]} or {All[1]}" : "one of " + string.Join(", ", All);

    public static string Of(TEnum value)
    {
        foreach (var (member, name) in _members)
        {
            if (EqualityComparer<TEnum>.Default.Equals(member, value))
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(TEnum).Name}");
    }

    public static bool TryParse(string? text, out TEnum value)
    {
        foreach (var (member, name) in _members)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                value = member;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>For values that are known to be valid (stored ones): an unknown spelling is a bug or a corrupted row.</summary>
    public static TEnum Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a {typeof(TEnum).Name}: must be {Allowed}");

    private static (TEnum, string)[] Read()
    {
        var members = new List<(TEnum, string)>();
        foreach (var value in Enum.GetValues<TEnum>())
        {
            var field = typeof(TEnum).GetField(Enum.GetName(value)!, BindingFlags.Public | BindingFlags.Static)!;
            // No fallback to the C# name: a missing attribute (or one trimmed away) must not silently change the wire.
            var name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{field.Name} has no [JsonStringEnumMemberName]");
            members.Add((value, name));
        }

        return [.. members];
    }
}

/// <summary>Shorthand for <see cref="WireNames{TEnum}.Of"/>.</summary>
public static class WireNameExtensions
{
    public static string ToWire<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(this TEnum value)
        where TEnum : struct, Enum => WireNames<TEnum>.Of(value);
}
