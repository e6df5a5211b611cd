using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

namespace JumpCloudAdi.Agent.Cli;

/// <summary>The agent's options, named as in JumpCloud's installer and the product's command-line contract.</summary>
internal static class CliOptions
{
    public static Option<string> Config() => new("--config")
    {
        Description = "Path of the agent's settings file (secrets encrypted; a FILE.key beside it holds the key).",
        Required = true,
    };

    public static Option<string> Text(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
    };

    public static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description + ".",
            DefaultValueFactory = _ => defaultValue,
            HelpName = string.Join('|', values),
        };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary>
    /// An option that takes one of a vocabulary enum's spellings (<see cref="WireNames{TEnum}"/>; lower-cased when
    /// <paramref name="lowerCase"/>, as <c>--agent-type sync</c>); System.CommandLine itself refuses anything else.
    /// </summary>
    public static ChoiceOption<TEnum> Choice<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(
        string name, string description, TEnum defaultValue, bool lowerCase = false)
        where TEnum : struct, Enum
    {
        string Spell(TEnum value) => lowerCase ? value.ToWire().ToLowerInvariant() : value.ToWire();
        var values = Enum.GetValues<TEnum>();
        var spellings = values.Select(Spell).ToArray();
        // The default is not a DefaultValueFactory: --help would print it as the C# name (Retain), not as typed.
        var option = new Option<TEnum>(name)
        {
            Description = $"{description}. [default: {Spell(defaultValue)}]",
            HelpName = string.Join('|', spellings),
            // AcceptOnlyFromAmong below has already refused any other spelling.
            CustomParser = result => Array.IndexOf(spellings, result.Tokens[^1].Value) is var i and >= 0 ? values[i] : defaultValue,
        };
        option.AcceptOnlyFromAmong(spellings);
        return new ChoiceOption<TEnum>(option, defaultValue);
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };
}

/// <summary>
/// An option whose value is one of an enum's spellings (<see cref="CliOptions.Choice{TEnum}"/>), read with
/// <see cref="ValueIn"/> so that an option not given is its default (<c>ParseResult.GetValue</c> would not know it).
/// </summary>
internal sealed class ChoiceOption<TEnum>(Option<TEnum> option, TEnum defaultValue)
    where TEnum : struct, Enum
{
    public Option<TEnum> Option { get; } = option;

    public TEnum Default { get; } = defaultValue;

    public TEnum ValueIn(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetResult(Option) is null ? Default : result.GetValue(Option);
    }

    /// <summary>Lets a command list it among its options.</summary>
    public static implicit operator Option(ChoiceOption<TEnum> choice) => choice?.Option!;

    public Option ToOption() => Option;
}
