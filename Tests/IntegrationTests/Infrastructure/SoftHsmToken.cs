namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A private SoftHSM2 token (Debian <c>softhsm2</c>): its own configuration and token folder under
/// <paramref name="directory"/>, initialized with <c>softhsm2-util --init-token</c>. Processes that use it are given
/// <see cref="Environment"/> (<c>SOFTHSM2_CONF</c>), so the machine's tokens are never touched.
/// </summary>
public sealed class SoftHsmToken
{
    public const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    public const string TokenLabel = "jcadi-vault-test";
    private const string SoPin = "5o-pin-0123";

    private SoftHsmToken(string directory, string pin)
    {
        ConfPath = Path.Combine(directory, "softhsm2.conf");
        PinFile = Path.Combine(directory, "user.pin");
        Pin = pin;
    }

    public string ConfPath { get; }
    public string PinFile { get; }
    public string Pin { get; }

    public Dictionary<string, string> Environment => new() { ["SOFTHSM2_CONF"] = ConfPath };

    /// <summary>The control plane's settings (environment form) for this token.</summary>
    public Dictionary<string, string> ControlPlaneEnvironment => new(Environment)
    {
        ["Passwords__KeyProvider"] = "Pkcs11",
        ["Passwords__Pkcs11__Library"] = Library,
        ["Passwords__Pkcs11__TokenLabel"] = TokenLabel,
        ["Passwords__Pkcs11__PinFile"] = PinFile,
    };

    public static async Task<SoftHsmToken> CreateAsync(string directory)
    {
        Assert.True(File.Exists(Library), $"{Library} is missing: install Debian's softhsm2");
        var tokens = Path.Combine(directory, "tokens");
        System.IO.Directory.CreateDirectory(tokens);
        var token = new SoftHsmToken(directory, $"pin-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(token.ConfPath, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        await File.WriteAllTextAsync(token.PinFile, token.Pin + "\n");
        File.SetUnixFileMode(token.PinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await Processes.RunAsync("softhsm2-util", ["--init-token", "--free", "--label", TokenLabel, "--so-pin", SoPin, "--pin", token.Pin],
            env: token.Environment)).EnsureSuccess("softhsm2-util --init-token");
        return token;
    }
}
