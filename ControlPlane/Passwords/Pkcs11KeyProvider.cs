using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// A key provider whose key-encryption keys live on a PKCS#11 token (a hardware security module; SoftHSM2 in the
/// tests): AES-256 secret keys generated on the token (sensitive, not extractable), labelled <c>PREFIX-N</c> with N
/// the key version (the highest is current). Data keys are wrapped with <c>CKM_AES_GCM</c> on the token, bound to the
/// same associated data as with the key file; the key-encryption key never leaves the token. The first version is
/// generated at first start when the token holds none. A rotation generates the next version and, once every entry is
/// re-wrapped, destroys the older ones.
/// </summary>
public sealed class Pkcs11KeyProvider : IRotatingPasswordKeyProvider, IDisposable
{
    private const int IvSize = 12;
    private const int TagBits = 128;
    private readonly Pkcs11InteropFactories _factories = new();
    private readonly IPkcs11Library _library;
    private readonly ISession _session;
    private readonly string _prefix;
    private readonly Lock _lock = new();

    /// <summary>Versions on the token, with the handles of this session.</summary>
    private SortedDictionary<int, IObjectHandle> _versions = [];

    static Pkcs11KeyProvider()
    {
        // Pkcs11Interop imports dlopen from "libdl"; glibc 2.34+ (Debian 12) ships only libdl.so.2 (no libdl.so
        // without libc6-dev): map the name, as Pkcs11Interop's maintainer recommends.
        if (OperatingSystem.IsLinux())
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, assembly, path) =>
                name == "libdl" && NativeLibrary.TryLoad("libdl.so.2", assembly, path, out var handle) ? handle : IntPtr.Zero);
        }
    }

    private Pkcs11KeyProvider(Pkcs11KeyOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Library) || string.IsNullOrWhiteSpace(options.TokenLabel))
        {
            throw new InvalidOperationException("Passwords:KeyProvider is Pkcs11: set Passwords:Pkcs11:Library and Passwords:Pkcs11:TokenLabel.");
        }

        var pin = options.Pin;
        if (string.IsNullOrEmpty(pin) && !string.IsNullOrWhiteSpace(options.PinFile))
        {
            pin = File.ReadLines(options.PinFile).FirstOrDefault()?.Trim();
        }

        if (string.IsNullOrEmpty(pin))
        {
            throw new InvalidOperationException("Passwords:KeyProvider is Pkcs11: set Passwords:Pkcs11:PinFile (or Passwords:Pkcs11:Pin).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyLabel) || options.KeyLabel.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException("Passwords:Pkcs11:KeyLabel must be a label without spaces.");
        }

        _prefix = options.KeyLabel;
        try
        {
            _library = _factories.Pkcs11LibraryFactory.LoadPkcs11Library(_factories, options.Library, AppType.MultiThreaded);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException)
        {
            throw new InvalidOperationException($"The PKCS#11 library {options.Library} does not load: {e.Message}", e);
        }

        try
        {
            var slot = _library.GetSlotList(SlotsType.WithTokenPresent)
                .FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel.Trim())
                ?? throw new InvalidOperationException($"No PKCS#11 token labelled '{options.TokenLabel}' is present ({options.Library}).");
            _session = slot.OpenSession(SessionType.ReadWrite);
            try
            {
                _session.Login(CKU.CKU_USER, pin);
            }
            catch (Pkcs11Exception e)
            {
                _session.Dispose();
                throw new InvalidOperationException($"The PKCS#11 token '{options.TokenLabel}' refused the PIN ({e.RV}).", e);
            }
        }
        catch
        {
            _library.Dispose();
            throw;
        }
    }

    /// <summary>Opens the token and finds its keys, generating the first version when there is none.</summary>
    public static Pkcs11KeyProvider Open(Pkcs11KeyOptions options)
    {
        var provider = new Pkcs11KeyProvider(options);
        try
        {
            lock (provider._lock)
            {
                provider.Refresh();
                if (provider._versions.Count == 0)
                {
                    provider.Generate(1);
                    provider.Refresh();
                }
            }

            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    public string CurrentKeyId
    {
        get
        {
            lock (_lock)
            {
                Refresh();
                return Id(_versions.Keys.Max());
            }
        }
    }

    public IReadOnlyList<string> KeyIds
    {
        get
        {
            lock (_lock)
            {
                Refresh();
                return [.. _versions.Keys.Select(Id)];
            }
        }
    }

    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData)
    {
        lock (_lock)
        {
            // Another process (a rotation) may have added a version: new entries go under the newest.
            Refresh();
            var version = _versions.Keys.Max();
            var iv = RandomNumberGenerator.GetBytes(IvSize);
            using var parameters = _factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvSize * 8, WrapContext(Id(version), associatedData), TagBits);
            using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
            return [.. iv, .. _session.Encrypt(mechanism, _versions[version], dataKey.ToArray())];
        }
    }

    public byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        lock (_lock)
        {
            if (!TryVersion(keyId, out var version))
            {
                throw new CryptographicException($"The entry was wrapped under key {keyId}, not a key of this PKCS#11 provider ({_prefix}-N).");
            }

            if (!_versions.ContainsKey(version))
            {
                Refresh();
            }

            if (!_versions.TryGetValue(version, out var handle))
            {
                throw new CryptographicException($"The entry was wrapped under key {keyId}, which the token does not hold (it holds {string.Join(", ", _versions.Keys.Select(Id))}).");
            }

            if (wrapped.Length < IvSize + TagBits / 8)
            {
                throw new CryptographicException("The wrapped key is too short.");
            }

            using var parameters = _factories.MechanismParamsFactory.CreateCkGcmParams(wrapped[..IvSize].ToArray(), IvSize * 8, WrapContext(keyId, associatedData), TagBits);
            using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
            try
            {
                return _session.Decrypt(mechanism, handle, wrapped[IvSize..].ToArray());
            }
            catch (Pkcs11Exception e)
            {
                // CKR_ENCRYPTED_DATA_INVALID and the like: altered bytes or another user's / version's entry.
                throw new CryptographicException($"The wrapped key does not open with {keyId} ({e.RV}).", e);
            }
        }
    }

    public string BeginRotation()
    {
        lock (_lock)
        {
            Refresh();
            var newest = _versions.Keys.Max();
            if (_versions.Count == 1)
            {
                Generate(newest + 1);
                Refresh();
                newest = _versions.Keys.Max();
            }

            return Id(newest);
        }
    }

    public void RetireOldKeys()
    {
        lock (_lock)
        {
            Refresh();
            var newest = _versions.Keys.Max();
            foreach (var handle in _versions.Where(v => v.Key != newest).Select(v => v.Value).ToList())
            {
                _session.DestroyObject(handle);
            }

            Refresh();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            try
            {
                _session.Logout();
            }
            catch (Pkcs11Exception)
            {
            }

            _session.Dispose();
            _library.Dispose();
        }
    }

    private string Id(int version) => $"pkcs11:{_prefix}-{version.ToString(CultureInfo.InvariantCulture)}";

    private bool TryVersion(string keyId, out int version)
    {
        version = 0;
        var head = $"pkcs11:{_prefix}-";
        return keyId.StartsWith(head, StringComparison.Ordinal)
               && int.TryParse(keyId.AsSpan(head.Length), NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;
    }

    /// <summary>Finds the AES keys labelled <c>PREFIX-N</c> on the token.</summary>
    private void Refresh()
    {
        var found = new SortedDictionary<int, IObjectHandle>();
        var template = new List<IObjectAttribute>
        {
            _factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
        };
        foreach (var handle in _session.FindAllObjects(template))
        {
            var label = _session.GetAttributeValue(handle, [CKA.CKA_LABEL])[0].GetValueAsString();
            if (label is not null && TryVersion("pkcs11:" + label, out var version))
            {
                // Two keys of one version (replicas that generated the first at once): the first found is used.
                found.TryAdd(version, handle);
            }
        }

        _versions = found;
    }

    private void Generate(int version)
    {
        var label = $"{_prefix}-{version.ToString(CultureInfo.InvariantCulture)}";
        using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        _session.GenerateKey(mechanism,
        [
            _factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_VALUE_LEN, (ulong)AesGcmBox.KeySize),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, true),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_SENSITIVE, true),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_EXTRACTABLE, false),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_ENCRYPT, true),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_DECRYPT, true),
        ]);
    }

    private static byte[] WrapContext(string keyId, ReadOnlySpan<byte> associatedData) =>
        [.. Encoding.ASCII.GetBytes("jcadi/vault/wrap/" + keyId + "/"), .. associatedData];
}
