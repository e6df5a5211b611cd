using System.Text;
using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// Turns a password change into <c>PasswordSet</c> entries for each domain the user reaches. With the vault (the
/// default) the password becomes the user's vault entry and the entries only refer to it: the control plane seals it
/// to the receiving agent when it sends them. In seal-only mode (<c>Passwords:Retain=false</c>) each entry carries
/// the password sealed to every agent enrolled now. The plaintext only lives in this call's memory.
/// </summary>
public sealed partial class PasswordSync(ControlPlaneDb db, ChangeLog log, DomainSync sync, PasswordVault vault, ILogger<PasswordSync> logger)
{
    /// <summary>Records <paramref name="password"/> as the user's current one (in the open unit of work) and queues it where the user is bound.</summary>
    public async Task AppendAsync(SystemUser user, string password, CancellationToken ct)
    {
        var version = await vault.StoreAsync(user.Id, password, ct);
        var domains = await sync.DomainsOfUserAsync(user.Id, ct);
        if (domains.Count == 0)
        {
            return;
        }

        if (version is { } current)
        {
            foreach (var domainId in domains.Order(StringComparer.Ordinal))
            {
                await log.AppendAsync(domainId, ChangeFactory.PasswordFromVault(user, current), ct);
            }

            return;
        }

        var plaintext = Encoding.UTF8.GetBytes(password);
        try
        {
            foreach (var domainId in domains.Order(StringComparer.Ordinal))
            {
                var recipients = await db.Agents
                    .Where(a => a.DomainId == domainId && a.PublicKey != null && a.CredentialHash != null)
                    .Select(a => new { a.Id, a.PublicKey })
                    .ToListAsync(ct);
                // One unusable key (enrolled before keys were checked, or damaged) must not cost the others the password.
                var usable = new List<(string, byte[])>(recipients.Count);
                foreach (var recipient in recipients)
                {
                    if (SecretSealing.PublicKeyProblem(recipient.PublicKey) is { } problem)
                    {
                        LogUnusableKey(logger, recipient.Id, domainId, problem);
                    }
                    else
                    {
                        usable.Add((recipient.Id, recipient.PublicKey!));
                    }
                }

                var (ciphertext, keys) = SecretSealing.Seal(plaintext, usable);
                var sealedSecret = new SealedSecret { Ciphertext = ByteString.CopyFrom(ciphertext) };
                sealedSecret.Keys.AddRange(keys.Select(k => new WrappedKey
                {
                    AgentId = k.AgentId,
                    EphemeralPublicKey = ByteString.CopyFrom(k.EphemeralPublicKey),
                    Wrapped = ByteString.CopyFrom(k.WrappedKey),
                }));
                await log.AppendAsync(domainId, new Change
                {
                    PasswordSet = new PasswordSet { UserId = user.Id, Username = user.Username, Password = sealedSecret, Suspended = user.Suspended },
                }, ct);
            }
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "Password not sealed to agent {AgentId} of domain {DomainId}: its public key is unusable ({Problem}); the other agents get it. Reinstall that agent with a new connect key.")]
    private static partial void LogUnusableKey(ILogger logger, string agentId, string domainId, string problem);
}
