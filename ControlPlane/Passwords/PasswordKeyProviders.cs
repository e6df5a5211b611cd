using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>Creates the configured key provider (<c>Passwords:KeyProvider</c>).</summary>
public static class PasswordKeyProviders
{
    public static IPasswordKeyProvider Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PasswordsOptions>>().Value;
        switch (options.KeyProvider.Trim().ToUpperInvariant())
        {
            case "PKCS11":
                return Pkcs11KeyProvider.Open(options.Pkcs11);
            case "FILE" or "":
                break;
            default:
                throw new InvalidOperationException($"Passwords:KeyProvider '{options.KeyProvider}' is not supported; use File or Pkcs11.");
        }

        var keyFile = options.KeyFile;
        return FileKeyProvider.OpenOrCreate(string.IsNullOrWhiteSpace(keyFile)
            ? Path.Combine(services.GetRequiredService<IOptions<DataOptions>>().Value.Directory, "password-vault.key")
            : keyFile);
    }
}
