using System.Security.Cryptography;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Portal.Security;

/// <summary>
/// The portal's administrator sign-in. <c>Admin:Username</c> (default <c>admin</c>) and <c>Admin:Password</c> win;
/// without a configured password one is generated at first start, printed once, and only its salted hash is kept in
/// the data folder (like the API key).
/// </summary>
public sealed class AdminCredentials
{
    public const string DefaultUsername = "admin";
    public const string HashFileName = "admin-portal-password.pbkdf2";

    private readonly byte[] _usernameHash;
    private readonly string _passwordHash;

    public AdminCredentials(IOptions<AdminOptions> admin, IOptions<DataOptions> data)
    {
        Username = string.IsNullOrWhiteSpace(admin.Value.Username) ? DefaultUsername : admin.Value.Username.Trim();
        _usernameHash = SecretHash.Of(Username);
        if (!string.IsNullOrEmpty(admin.Value.Password))
        {
            // Hashed like a stored one, so every attempt costs the same whether or not the password is configured.
            _passwordHash = PasswordHasher.Hash(admin.Value.Password);
            return;
        }

        var hashFile = Path.Combine(data.Value.Directory, HashFileName);
        if (File.Exists(hashFile))
        {
            _passwordHash = File.ReadAllText(hashFile).Trim();
            return;
        }

        var password = SecretHash.NewSecret()[..24];
        _passwordHash = PasswordHasher.Hash(password);
        Directory.CreateDirectory(data.Value.Directory);
        File.WriteAllText(hashFile, _passwordHash);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hashFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Printed once, deliberately to the console and not to the log pipeline: it is a secret.
        Console.WriteLine($"Generated portal sign-in (shown once, only its hash is stored): username {Username}, password {password}");
    }

    public string Username { get; }

    /// <summary>True for the configured administrator; compares in constant time and always runs the password hash.</summary>
    public bool Verify(string? username, string? password)
    {
        var userMatches = CryptographicOperations.FixedTimeEquals(SecretHash.Of((username ?? "").Trim()), _usernameHash);
        var passwordMatches = PasswordHasher.Verify(password ?? "", _passwordHash);
        return userMatches & passwordMatches;
    }
}
