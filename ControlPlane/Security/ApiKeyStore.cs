using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Security;

/// <summary>
/// Holds the SHA-256 of the admin API key. <c>Admin:ApiKey</c> wins; otherwise a key is generated at first start,
/// printed once, and only its hash is kept, in the control-plane database, so every replica that shares the database
/// accepts the same key. When replicas start together on an empty database, exactly one hash is stored and only the
/// replica that stored it prints its key.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>The <see cref="ControlPlaneSetting"/> that holds the generated key's hash.</summary>
    public const string KeyHashSetting = "api.admin-key.sha256";

    /// <summary>Where the hash was kept before it moved to the database; adopted (then removed) when found.</summary>
    public const string LegacyHashFileName = "admin-apikey.sha256";

    private readonly byte[] _hash;

    public ApiKeyStore(IOptions<AdminOptions> admin, IOptions<DataOptions> data, IDbContextFactory<ControlPlaneDb> databases)
        : this(admin, data, databases, Console.Out)
    {
    }

    /// <param name="console">Where a generated key is printed (the process console outside tests).</param>
    internal ApiKeyStore(IOptions<AdminOptions> admin, IOptions<DataOptions> data, IDbContextFactory<ControlPlaneDb> databases, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(databases);
        ArgumentNullException.ThrowIfNull(console);
        if (!string.IsNullOrEmpty(admin.Value.ApiKey))
        {
            _hash = SecretHash.Of(admin.Value.ApiKey);
            return;
        }

        using var db = databases.CreateDbContext();
        _hash = Convert.FromHexString(ControlPlaneSettings.GetOrGenerate(db, KeyHashSetting, Path.Combine(data.Value.Directory, LegacyHashFileName), () =>
        {
            var key = "jca_" + SecretHash.NewSecret();
            return (Convert.ToHexString(SecretHash.Of(key)), $"Generated admin API key (shown once, only its hash is stored): {key}");
        }, console));
    }

    public bool IsValid(string? presented) => !string.IsNullOrEmpty(presented) && SecretHash.Matches(presented, _hash);
}
