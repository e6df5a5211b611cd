using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = ControlPlaneApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A wrong setting: one line saying which, not a stack trace.
    await Console.Error.WriteLineAsync($"error: {string.Join(" ", e.Failures)}");
    return 2;
}

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
