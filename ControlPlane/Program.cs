using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Passwords;
using Microsoft.Extensions.Options;

if (args.Length > 0 && args[0] == PasswordKeyRotation.Verb)
{
    return await PasswordKeyRotation.RunAsync(args[1..], Console.Out, Console.Error);
}

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
catch (JumpCloudAdi.ControlPlane.Data.IdentityCollisionException e)
{
    // The database needs a change by hand before this version can upgrade it.
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 3;
}

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
