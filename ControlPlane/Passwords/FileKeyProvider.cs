using System.Security.Cryptography;
using System.Text;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// The default key provider: a 256-bit key-encryption key in a file outside the database (mode 0600), generated at
/// first start. Replicas that share a PostgreSQL database must be given the same file. A database backup alone
/// therefore opens no password; the file and the database together do, so keep the file out of database backups.
/// </summary>
public sealed class FileKeyProvider : IPasswordKeyProvider, IDisposable
{
    private const string Header = "jcadi-password-kek-v1 ";
    private readonly byte[] _key;

    private FileKeyProvider(byte[] key)
    {
        _key = key;
        var id = SHA256.HashData([.. Encoding.ASCII.GetBytes("jcadi-password-kek-id:"), .. key]);
        CurrentKeyId = "file:" + Convert.ToHexStringLower(id.AsSpan(0, 8));
    }

    public string CurrentKeyId { get; }

    /// <summary>Reads the key file, or creates it (atomically, so replicas starting together end up with one key).</summary>
    public static FileKeyProvider OpenOrCreate(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var key = RandomNumberGenerator.GetBytes(AesGcmBox.KeySize);
            var temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(temp, options))
                {
                    stream.Write(Encoding.ASCII.GetBytes(Header + Convert.ToBase64String(key) + "\n"));
                    stream.Flush(flushToDisk: true);
                }

                try
                {
                    File.Move(temp, full, overwrite: false);
                }
                catch (IOException) when (File.Exists(full))
                {
                    // Another replica (or process) created it first: use that one.
                }
            }
            finally
            {
                Array.Clear(key);
                File.Delete(temp);
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"The password vault key file {full} is readable or writable by others than its owner: make it mode 0600 (chmod 600).");
        }

        var text = File.ReadAllText(full, Encoding.ASCII).Trim();
        byte[]? parsed = null;
        if (text.StartsWith(Header, StringComparison.Ordinal))
        {
            try
            {
                parsed = Convert.FromBase64String(text[Header.Length..]);
            }
            catch (FormatException)
            {
            }
        }

        if (parsed is not { Length: AesGcmBox.KeySize })
        {
            throw new InvalidOperationException($"The password vault key file {full} is not a key file of this control plane (expected one line '{Header.Trim()} <base64 of 32 bytes>').");
        }

        return new FileKeyProvider(parsed);
    }

    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData) =>
        AesGcmBox.Seal(_key, dataKey, WrapContext(CurrentKeyId, associatedData));

    public byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        if (keyId != CurrentKeyId)
        {
            throw new CryptographicException($"The entry was wrapped under key {keyId}, and the configured key file holds {CurrentKeyId}.");
        }

        return AesGcmBox.Open(_key, wrapped, WrapContext(keyId, associatedData));
    }

    public void Dispose() => Array.Clear(_key);

    private static byte[] WrapContext(string keyId, ReadOnlySpan<byte> associatedData) =>
        [.. Encoding.ASCII.GetBytes("jcadi/vault/wrap/" + keyId + "/"), .. associatedData];
}
