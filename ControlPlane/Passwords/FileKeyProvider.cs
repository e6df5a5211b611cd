using System.Security.Cryptography;
using System.Text;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// The default key provider: 256-bit key-encryption keys in a file outside the database (mode 0600), generated at
/// first start. Replicas that share a PostgreSQL database must be given the same file. A database backup alone
/// therefore opens no password; the file and the database together do, so keep the file out of database backups.
/// The file holds one key per line, the last one current; it holds more than one only while a key rotation runs
/// (<see cref="PasswordKeyRotation"/>). A running control plane re-reads the file when it changes, so it wraps new
/// entries under the newest key and opens entries a rotation re-wrapped.
/// </summary>
public sealed class FileKeyProvider : IRotatingPasswordKeyProvider, IDisposable
{
    private const string Header = "jcadi-password-kek-v1 ";
    private readonly string _path;
    private readonly Lock _lock = new();

    /// <summary>Every key this process has read (those retired from the file since included), by id.</summary>
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private List<string> _fileKeyIds = [];
    private (DateTime Written, long Length) _loaded;

    private FileKeyProvider(string path)
    {
        _path = path;
        Reload();
    }

    public string CurrentKeyId
    {
        get
        {
            lock (_lock)
            {
                RefreshIfChanged();
                return _fileKeyIds[^1];
            }
        }
    }

    public IReadOnlyList<string> KeyIds
    {
        get
        {
            lock (_lock)
            {
                RefreshIfChanged();
                return [.. _fileKeyIds];
            }
        }
    }

    /// <summary>Reads the key file, or creates it (atomically, so replicas starting together end up with one key).</summary>
    public static FileKeyProvider OpenOrCreate(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var key = RandomNumberGenerator.GetBytes(AesGcmBox.KeySize);
            try
            {
                // Another replica (or process) that created it first wins: its key is used.
                WriteAtomically(full, [key], overwrite: false);
            }
            finally
            {
                Array.Clear(key);
            }
        }

        return new FileKeyProvider(full);
    }

    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData)
    {
        lock (_lock)
        {
            RefreshIfChanged();
            var keyId = _fileKeyIds[^1];
            return AesGcmBox.Seal(_keys[keyId], dataKey, WrapContext(keyId, associatedData));
        }
    }

    public byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        lock (_lock)
        {
            if (!_keys.ContainsKey(keyId))
            {
                RefreshIfChanged();
            }

            if (!_keys.TryGetValue(keyId, out var key))
            {
                throw new CryptographicException($"The entry was wrapped under key {keyId}, and the configured key file holds {string.Join(", ", _fileKeyIds)}.");
            }

            return AesGcmBox.Open(key, wrapped, WrapContext(keyId, associatedData));
        }
    }

    public string BeginRotation()
    {
        lock (_lock)
        {
            Reload();
            if (_fileKeyIds.Count > 1)
            {
                // An interrupted rotation: its new key is already current and durable.
                return _fileKeyIds[^1];
            }

            var fresh = RandomNumberGenerator.GetBytes(AesGcmBox.KeySize);
            try
            {
                WriteAtomically(_path, [.. _fileKeyIds.Select(id => _keys[id]), fresh], overwrite: true);
            }
            finally
            {
                Array.Clear(fresh);
            }

            Reload();
            return _fileKeyIds[^1];
        }
    }

    public void RetireOldKeys()
    {
        lock (_lock)
        {
            Reload();
            if (_fileKeyIds.Count > 1)
            {
                WriteAtomically(_path, [_keys[_fileKeyIds[^1]]], overwrite: true);
                Reload();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var key in _keys.Values)
            {
                Array.Clear(key);
            }
        }
    }

    private void RefreshIfChanged()
    {
        var info = new FileInfo(_path);
        if (!info.Exists || (info.LastWriteTimeUtc, info.Length) != _loaded)
        {
            Reload();
        }
    }

    /// <summary>Reads every key of the file (checking its mode); keys read before stay known.</summary>
    private void Reload()
    {
        if (!File.Exists(_path))
        {
            throw new InvalidOperationException($"The password vault key file {_path} is missing.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(_path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"The password vault key file {_path} is readable or writable by others than its owner: make it mode 0600 (chmod 600).");
        }

        var info = new FileInfo(_path);
        var stamp = (info.LastWriteTimeUtc, info.Length);
        var ids = new List<string>();
        foreach (var line in File.ReadAllLines(_path, Encoding.ASCII).Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            byte[]? parsed = null;
            if (line.StartsWith(Header, StringComparison.Ordinal))
            {
                try
                {
                    parsed = Convert.FromBase64String(line[Header.Length..]);
                }
                catch (FormatException)
                {
                }
            }

            if (parsed is not { Length: AesGcmBox.KeySize })
            {
                throw new InvalidOperationException($"The password vault key file {_path} is not a key file of this control plane (expected lines '{Header.Trim()} <base64 of 32 bytes>').");
            }

            var id = KeyIdOf(parsed);
            if (!_keys.TryAdd(id, parsed))
            {
                Array.Clear(parsed);
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        if (ids.Count == 0)
        {
            throw new InvalidOperationException($"The password vault key file {_path} holds no key.");
        }

        _fileKeyIds = ids;
        _loaded = stamp;
    }

    private static string KeyIdOf(byte[] key)
    {
        var id = SHA256.HashData([.. Encoding.ASCII.GetBytes("jcadi-password-kek-id:"), .. key]);
        return "file:" + Convert.ToHexStringLower(id.AsSpan(0, 8));
    }

    /// <summary>Writes the keys to a private temporary file, flushed to disk, then renames it into place.</summary>
    private static void WriteAtomically(string path, IEnumerable<byte[]> keys, bool overwrite)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                foreach (var key in keys)
                {
                    stream.Write(Encoding.ASCII.GetBytes(Header + Convert.ToBase64String(key) + "\n"));
                }

                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                // Created by someone else first: theirs is kept.
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static byte[] WrapContext(string keyId, ReadOnlySpan<byte> associatedData) =>
        [.. Encoding.ASCII.GetBytes("jcadi/vault/wrap/" + keyId + "/"), .. associatedData];
}
