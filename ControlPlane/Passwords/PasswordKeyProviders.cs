using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>Creates the configured key provider (<c>Passwords:KeyProvider</c>).</summary>
public static class PasswordKeyProviders
{
    public static IPasswordKeyProvider Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PasswordsOptions>>().Value;
        var keyFile = options.KeyFile;
        return FileKeyProvider.OpenOrCreate(string.IsNullOrWhiteSpace(keyFile)
            ? Path.Combine(services.GetRequiredService<IOptions<DataOptions>>().Value.Directory, "password-vault.key")
            : keyFile);
    }
}
