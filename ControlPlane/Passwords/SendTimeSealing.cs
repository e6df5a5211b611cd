using System.Security.Cryptography;
using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// Seals the vault's passwords into an outgoing batch, to the public key of the agent that receives it: whichever
/// agent is primary when the entry is sent (one enrolled after the password was set, a new primary after failover)
/// can open it. The sealed copy goes only onto the TLS stream; nothing sealed or plain is stored.
/// </summary>
public static partial class SendTimeSealing
{
    public static async Task FillAsync(ControlPlaneDb db, IServiceProvider services, AgentRecord agent, ChangeBatch batch, ILogger logger, CancellationToken ct)
    {
        var wanted = batch.Changes
            .Where(c => c.KindCase == Change.KindOneofCase.PasswordSet && c.PasswordSet.VaultVersion > 0 && c.PasswordSet.Password is null)
            .Select(c => c.PasswordSet.UserId).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        if (SecretSealing.PublicKeyProblem(agent.PublicKey) is { } problem)
        {
            LogUnusableKey(logger, agent.Id, problem);
            return;
        }

        var keys = services.GetRequiredService<IPasswordKeyProvider>();
        var entries = await db.PasswordVault.AsNoTracking().Where(e => wanted.Contains(e.UserId)).ToDictionaryAsync(e => e.UserId, ct);
        var recipient = new[] { (agent.Id, agent.PublicKey!) };
        foreach (var change in batch.Changes)
        {
            // No entry: the user was deleted, or the vault was emptied (seal-only mode); the agent reports nothing to write.
            if (change.KindCase != Change.KindOneofCase.PasswordSet || change.PasswordSet.VaultVersion <= 0
                || !entries.TryGetValue(change.PasswordSet.UserId, out var entry))
            {
                continue;
            }

            byte[] plaintext;
            try
            {
                // Always the current password: an entry for an older version is superseded by the one the vault holds.
                plaintext = PasswordVault.Open(keys, entry);
            }
            catch (CryptographicException)
            {
                LogUnopenable(logger, entry.UserId, entry.KeyId);
                continue;
            }

            try
            {
                var (ciphertext, wrapped) = SecretSealing.Seal(plaintext, recipient);
                var sealedSecret = new SealedSecret { Ciphertext = ByteString.CopyFrom(ciphertext) };
                sealedSecret.Keys.AddRange(wrapped.Select(k => new WrappedKey
                {
                    AgentId = k.AgentId,
                    EphemeralPublicKey = ByteString.CopyFrom(k.EphemeralPublicKey),
                    Wrapped = ByteString.CopyFrom(k.WrappedKey),
                }));
                change.PasswordSet.Password = sealedSecret;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Passwords are not sent to agent {AgentId}: its public key is unusable ({Problem}). Reinstall that agent with a new connect key.")]
    private static partial void LogUnusableKey(ILogger logger, string agentId, string problem);

    [LoggerMessage(EventId = 322, Level = LogLevel.Error, Message = "The vault entry of user {UserId} does not open with the configured key (it was wrapped under {KeyId}): is every replica given the same Passwords:KeyFile?")]
    private static partial void LogUnopenable(ILogger logger, string userId, string keyId);
}
