using System.Security.Cryptography;
using System.Text.Json;

namespace JumpCloudAdi.Agent.Configuration;

/// <summary>
/// Reads and writes the settings file. Secrets are sealed with AES-256-GCM under a key kept in a separate file
/// (<c>FILE.key</c>); both files are created readable by the owner only.
/// </summary>
public static class SettingsStore
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static string KeyPath(string configPath) => configPath + ".key";

    public static bool Exists(string configPath) => File.Exists(configPath);

    public static AgentSettings Load(string configPath) => Load(configPath, KeyProtectors.ForThisPlatform());

    internal static AgentSettings Load(string configPath, IKeyProtector protector)
    {
        if (!File.Exists(configPath))
        {
            throw new SettingsException($"settings file {configPath} does not exist; run 'install' first");
        }

        SettingsFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(configPath), AgentJsonContext.Default.SettingsFile);
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"settings file {configPath} is not valid JSON ({ex.Message})");
        }

        if (file?.Settings is null)
        {
            throw new SettingsException($"settings file {configPath} is empty");
        }

        var settings = file.Settings;
        if (file.EncryptedSecrets is { } sealedSecrets)
        {
            var secrets = Open(sealedSecrets, ReadKey(configPath, protector), configPath);
            settings.BindPassword = secrets.BindPassword;
            settings.ConnectKey = secrets.ConnectKey;
            settings.AgentCredential = secrets.AgentCredential;
            settings.AgentPrivateKey = secrets.AgentPrivateKey;
        }

        return settings;
    }

    public static void Save(string configPath, AgentSettings settings) => Save(configPath, settings, KeyProtectors.ForThisPlatform());

    internal static void Save(string configPath, AgentSettings settings, IKeyProtector protector)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        System.IO.Directory.CreateDirectory(directory);
        var key = File.Exists(KeyPath(configPath)) ? ReadKey(configPath, protector) : CreateKey(configPath, protector);
        var secrets = new Secrets
        {
            BindPassword = settings.BindPassword,
            ConnectKey = settings.ConnectKey,
            AgentCredential = settings.AgentCredential,
            AgentPrivateKey = settings.AgentPrivateKey,
        };
        var publicPart = Clone(settings);
        var file = new SettingsFile { Settings = publicPart, EncryptedSecrets = Seal(secrets, key) };
        var json = JsonSerializer.Serialize(file, AgentJsonContext.Default.SettingsFile);

        ReplaceOwnerOnly(configPath, json);
    }

    /// <summary>
    /// Replaces a file readable by the service account only, write-then-rename, so that neither a crash nor a
    /// concurrent reader ever sees it half-written.
    /// </summary>
    internal static void ReplaceOwnerOnly(string path, string contents)
    {
        var temp = path + ".tmp";
        WriteOwnerOnly(temp, contents);
        File.Move(temp, path, overwrite: true);
    }

    private static AgentSettings Clone(AgentSettings s)
    {
        var json = JsonSerializer.Serialize(new SettingsFile { Settings = s }, AgentJsonContext.Default.SettingsFile);
        var copy = JsonSerializer.Deserialize(json, AgentJsonContext.Default.SettingsFile)!.Settings;
        copy.BindPassword = null;
        copy.ConnectKey = null;
        copy.AgentCredential = null;
        copy.AgentPrivateKey = null;
        return copy;
    }

    private static string Seal(Secrets secrets, byte[] key)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(secrets, AgentJsonContext.Default.Secrets);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(output);
    }

    private static Secrets Open(string sealedSecrets, byte[] key, string configPath)
    {
        try
        {
            var input = Convert.FromBase64String(sealedSecrets);
            if (input.Length < NonceSize + TagSize)
            {
                throw new CryptographicException("sealed secrets are truncated");
            }

            var plain = new byte[input.Length - NonceSize - TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plain);
            var secrets = JsonSerializer.Deserialize(plain, AgentJsonContext.Default.Secrets)!;
            CryptographicOperations.ZeroMemory(plain);
            return secrets;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException or JsonException)
        {
            throw new SettingsException($"the secrets in {configPath} cannot be decrypted with {KeyPath(configPath)}; the file or its key was altered or replaced");
        }
    }

    private static byte[] ReadKey(string configPath, IKeyProtector protector)
    {
        var path = KeyPath(configPath);
        if (!File.Exists(path))
        {
            throw new SettingsException($"key file {path} is missing; the encrypted secrets in {configPath} cannot be read (run 'install' again)");
        }

        var text = File.ReadAllText(path).Trim();
        var sealedKey = protector.Prefix.Length > 0 && text.StartsWith(protector.Prefix, StringComparison.Ordinal);
        if (protector.Prefix.Length > 0 && !sealedKey)
        {
            throw new SettingsException($"key file {path} is not protected for this machine and account ({protector.Prefix.TrimEnd(':')} expected); run 'install' again");
        }

        var encoded = sealedKey ? text[protector.Prefix.Length..] : text;
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            throw new SettingsException($"key file {path} is damaged (expected base64)");
        }

        byte[] key;
        try
        {
            key = sealedKey ? protector.Unprotect(bytes[..length]) : bytes[..length];
        }
        catch (CryptographicException)
        {
            throw new SettingsException($"key file {path} cannot be unsealed by this account on this machine (it was written by another account, or copied from another machine); run 'install' again as the service's account");
        }

        return key.Length == 32 ? key : throw new SettingsException($"key file {path} is damaged (expected a 256-bit key)");
    }

    private static byte[] CreateKey(string configPath, IKeyProtector protector)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        WriteOwnerOnly(KeyPath(configPath), protector.Prefix + Convert.ToBase64String(protector.Protect(key)));
        return key;
    }

    private static void WriteOwnerOnly(string path, string contents)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, contents);
            return;
        }

        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
