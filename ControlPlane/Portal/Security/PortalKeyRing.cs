using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Portal.Security;

/// <summary>
/// Makes sure the portal's Data Protection key ring (in the database) has an active key before the host starts. Run
/// under the migration lock, so replicas that start together on an empty database share one first key: left to
/// itself, each replica would create and sign with a key of its own, which the others would only learn of at their
/// next key-ring refresh (up to a day later). Later keys need no help: the key manager creates each successor two days
/// before it activates, in time for every replica's daily refresh.
/// </summary>
public static class PortalKeyRing
{
    public static void EnsureActiveKey(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var keys = services.GetRequiredService<IKeyManager>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime);
        }
    }
}
