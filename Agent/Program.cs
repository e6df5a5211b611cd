using System.CommandLine;
using JumpCloudAdi.Agent.Cli;
using JumpCloudAdi.Agent.Configuration;

var root = new RootCommand("JumpCloud ADI sync agent: writes users, groups and passwords from the control plane into Active Directory, Samba AD or OpenLDAP.")
{
    InstallCommand.Create(),
    RunCommand.Create(),
    ReconcileCommand.Create(),
    ImportCommand.Create(),
    StatusCommand.Create(),
    UninstallCommand.Create(),
};

var parsed = root.Parse(args);
var wantsHelp = args.Any(a => a is "-h" or "--help" or "-?" or "--version");
if (parsed.Errors.Count > 0 && !wantsHelp)
{
    // One line an operator's script can log; --help has the rest.
    var error = parsed.Errors[0];
    var message = string.Join(' ', error.Message.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    // System.CommandLine's "Argument 'x' not recognized. Must be one of: ..." does not say which option it is about.
    var option = (error.SymbolResult as System.CommandLine.Parsing.OptionResult ?? error.SymbolResult?.Parent as System.CommandLine.Parsing.OptionResult)?.Option.Name;
    Console.Error.WriteLine(option is null || message.Contains(option, StringComparison.Ordinal) ? $"error: {message} (see --help)" : $"error: {option}: {message} (see --help)");
    return 2;
}

try
{
    // Our own handler below turns a settings problem into one line, not a stack trace.
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (SettingsException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    // A file the command needs cannot be read or written: say which, without a stack trace.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
