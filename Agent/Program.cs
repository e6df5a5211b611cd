using System.CommandLine;
using JumpCloudAdi.Agent.Cli;
using JumpCloudAdi.Agent.Configuration;

var root = new RootCommand("JumpCloud ADI sync agent: writes users, groups and passwords from the control plane into Active Directory, Samba AD or OpenLDAP.")
{
    InstallCommand.Create(),
    RunCommand.Create(),
    StatusCommand.Create(),
};

var parsed = root.Parse(args);
var wantsHelp = args.Any(a => a is "-h" or "--help" or "-?" or "--version");
if (parsed.Errors.Count > 0 && !wantsHelp)
{
    // One line an operator's script can log; --help has the rest.
    Console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see --help)");
    return 2;
}

try
{
    return await parsed.InvokeAsync();
}
catch (SettingsException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
