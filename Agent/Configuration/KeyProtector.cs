using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace JumpCloudAdi.Agent.Configuration;

/// <summary>
/// How the settings key is kept at rest in <c>FILE.key</c>. On Linux the file is the protection (mode 0600, the
/// service user's alone) and holds the key as base64. On Windows the key is sealed with DPAPI for the service's user
/// and then for the machine, as JumpCloud's own agent does, so the file is useless to another account or on another
/// machine.
/// </summary>
public interface IKeyProtector
{
    /// <summary>The prefix that marks a key file written by this protector, e.g. <c>dpapi:v1:</c>; empty for none.</summary>
    string Prefix { get; }

    byte[] Protect(byte[] key);

    byte[] Unprotect(byte[] blob);
}

public static class KeyProtectors
{
    /// <summary>The protector for this operating system.</summary>
    public static IKeyProtector ForThisPlatform() => OperatingSystem.IsWindows() ? new DpapiKeyProtector() : new FileModeKeyProtector();
}

/// <summary>No transformation: the key file's owner-only mode protects it.</summary>
public sealed class FileModeKeyProtector : IKeyProtector
{
    public string Prefix => "";

    public byte[] Protect(byte[] key) => key;

    public byte[] Unprotect(byte[] blob) => blob;
}

/// <summary>DPAPI: sealed for the current user (the service account), then for the local machine.</summary>
[SupportedOSPlatform("windows")]
public sealed class DpapiKeyProtector : IKeyProtector
{
    private static readonly byte[] _entropy = "JumpCloudAdi.Agent.SettingsKey.v1"u8.ToArray();

    public string Prefix => "dpapi:v1:";

    public byte[] Protect(byte[] key) =>
        ProtectedData.Protect(ProtectedData.Protect(key, _entropy, DataProtectionScope.CurrentUser), _entropy, DataProtectionScope.LocalMachine);

    public byte[] Unprotect(byte[] blob) =>
        ProtectedData.Unprotect(ProtectedData.Unprotect(blob, _entropy, DataProtectionScope.LocalMachine), _entropy, DataProtectionScope.CurrentUser);
}
