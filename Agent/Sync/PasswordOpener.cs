using System.Security.Cryptography;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Crypto;

namespace JumpCloudAdi.Agent.Sync;

/// <summary>Opens passwords the control plane sealed to this agent's public key, with the private key from the settings.</summary>
public sealed class PasswordOpener(string agentId, string? privateKeyBase64)
{
    /// <summary>The plaintext password, or a sentence saying why it cannot be opened.</summary>
    public bool TryOpen(SealedSecret? secret, out string password, out string why)
    {
        password = "";
        if (secret is null || secret.Ciphertext.IsEmpty)
        {
            why = "the sealed password is no longer in the change log (it is erased once applied); nothing to write";
            return false;
        }

        if (string.IsNullOrEmpty(privateKeyBase64))
        {
            why = "this agent has no private key (it enrolled with an older version); re-install it with a new connect key to receive passwords";
            return false;
        }

        var privateKey = Convert.FromBase64String(privateKeyBase64);
        try
        {
            var keys = secret.Keys.Select(k => new SecretSealing.Wrapped(k.AgentId, k.EphemeralPublicKey.ToByteArray(), k.Wrapped.ToByteArray()));
            var plain = SecretSealing.Open(secret.Ciphertext.Span, keys, agentId, privateKey);
            try
            {
                password = System.Text.Encoding.UTF8.GetString(plain);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }

            why = "";
            return true;
        }
        catch (CryptographicException ex)
        {
            why = $"the password cannot be opened by agent {agentId}: {ex.Message}";
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }
}
