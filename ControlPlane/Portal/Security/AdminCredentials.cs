using System.Security.Cryptography;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Portal.Security;

/// <summary>
/// The portal's administrator sign-in. <c>Admin:Username</c> (default <c>admin</c>) and <c>Admin:Password</c> win;
/// without a configured password one is generated at first start, printed once, and only its salted hash is kept, in
/// the control-plane database, so every replica that shares the database accepts the same password. When replicas
/// start together on an empty database, exactly one generated hash is stored and only the replica that stored it
/// prints its password.
/// </summary>
public sealed class AdminCredentials
{
    public const string DefaultUsername = "admin";

    /// <summary>The <see cref="ControlPlaneSetting"/> that holds the generated password's hash.</summary>
    public const string PasswordHashSetting = "portal.admin-password.pbkdf2";

    /// <summary>Where the hash was kept before it moved to the database; adopted (then removed) when found.</summary>
    public const string LegacyHashFileName = "admin-portal-password.pbkdf2";

    private readonly byte[] _usernameHash;
    private readonly string _passwordHash;

    public AdminCredentials(IOptions<AdminOptions> admin, IOptions<DataOptions> data, IDbContextFactory<ControlPlaneDb> databases)
        : this(admin, data, databases, Console.Out)
    {
    }

    /// <param name="console">Where a generated password is printed (the process console outside tests).</param>
    internal AdminCredentials(IOptions<AdminOptions> admin, IOptions<DataOptions> data, IDbContextFactory<ControlPlaneDb> databases,
        TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(databases);
        ArgumentNullException.ThrowIfNull(console);
        Username = string.IsNullOrWhiteSpace(admin.Value.Username) ? DefaultUsername : admin.Value.Username.Trim();
        _usernameHash = SecretHash.Of(Username);
        if (!string.IsNullOrEmpty(admin.Value.Password))
        {
            // Hashed like a stored one, so every attempt costs the same whether or not the password is configured.
            _passwordHash = PasswordHasher.Hash(admin.Value.Password);
            return;
        }

        using var db = databases.CreateDbContext();
        var username = Username;
        _passwordHash = ControlPlaneSettings.GetOrGenerate(db, PasswordHashSetting, Path.Combine(data.Value.Directory, LegacyHashFileName), () =>
        {
            var password = SecretHash.NewSecret()[..24];
            return (PasswordHasher.Hash(password), $"Generated portal sign-in (shown once, only its hash is stored): username {username}, password {password}");
        }, console);
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
