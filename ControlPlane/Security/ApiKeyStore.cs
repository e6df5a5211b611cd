using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Security;

/// <summary>
/// Holds the SHA-256 of the admin API key. <c>Admin:ApiKey</c> wins; otherwise a key is generated at first start,
/// printed once, and only its hash is kept in the data folder.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly byte[] _hash;

    public ApiKeyStore(IOptions<AdminOptions> admin, IOptions<DataOptions> data)
    {
        if (!string.IsNullOrEmpty(admin.Value.ApiKey))
        {
            _hash = SecretHash.Of(admin.Value.ApiKey);
            return;
        }

        var hashFile = Path.Combine(data.Value.Directory, "admin-apikey.sha256");
        if (File.Exists(hashFile))
        {
            _hash = Convert.FromHexString(File.ReadAllText(hashFile).Trim());
            return;
        }

        var key = "jca_" + SecretHash.NewSecret();
        _hash = SecretHash.Of(key);
        Directory.CreateDirectory(data.Value.Directory);
        File.WriteAllText(hashFile, Convert.ToHexString(_hash));
        // Printed once, deliberately to the console and not to the log pipeline: it is a secret.
        Console.WriteLine($"Generated admin API key (shown once, only its hash is stored): {key}");
    }

    public bool IsValid(string? presented) => !string.IsNullOrEmpty(presented) && SecretHash.Matches(presented, _hash);
}
