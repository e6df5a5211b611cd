using System.CommandLine;

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
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!values.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{name} must be one of {string.Join(", ", values)}, not '{value}'");
            }
        });
        return option;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };
}
