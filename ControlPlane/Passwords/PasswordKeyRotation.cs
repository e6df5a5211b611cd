using System.Globalization;
using System.Security.Cryptography;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JumpCloudAdi.ControlPlane.Passwords;

/// <summary>
/// <c>rotate-password-key</c>: re-wraps every vault entry's data key under a new version of the key-encryption key.
/// The new key is made current (and durable) first while the older versions stay readable, then each entry is
/// re-wrapped in its own atomic update (only if it is still the entry that was read: a password set meanwhile is
/// already under the new key), and only once no entry is left under an older version are those destroyed. Killed at
/// any point, nothing is lost: every entry is under a key the provider still holds, and running the command again
/// resumes the rotation (no newer key is created while an older one is still kept). The passwords' ciphertexts are
/// not touched (they are under their own data keys).
/// </summary>
public static class PasswordKeyRotation
{
    public const string Verb = "rotate-password-key";

    /// <summary>Runs the command with the control plane's configuration (appsettings.json, environment, command line); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var rest = new List<string>();
        double? perSecond = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--max-per-second")
            {
                if (i + 1 >= args.Length || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
                {
                    await error.WriteLineAsync("error: --max-per-second needs a positive number of entries per second");
                    return 2;
                }

                perSecond = rate;
                i++;
            }
            else if (args[i] is "--help" or "-h")
            {
                await output.WriteLineAsync($"""
                    Usage: JumpCloudAdi.ControlPlane {Verb} [--max-per-second N] [configuration as for the control plane, e.g. --Passwords:KeyFile PATH]
                    Re-wraps every password vault entry under a new version of the key-encryption key; safe to interrupt and run again.
                    """);
                return 0;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var builder = Host.CreateApplicationBuilder([.. rest]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOptions<DataOptions>().BindConfiguration("Data");
        builder.Services.AddOptions<PasswordsOptions>().BindConfiguration("Passwords");
        var (provider, connectionString) = ControlPlaneApp.DatabaseOf(builder.Configuration, builder.Configuration["Data:Directory"] ?? "data");
        builder.Services.AddControlPlaneDatabase(provider, connectionString);
        builder.Services.AddSingleton(PasswordKeyProviders.Create);
        using var host = builder.Build();

        if (!host.Services.GetRequiredService<IOptions<PasswordsOptions>>().Value.Retain)
        {
            await error.WriteLineAsync("error: Passwords:Retain is false (seal-only mode): there is no vault to rotate.");
            return 2;
        }

        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await error.WriteLineAsync("error: the database is not up to date: start the control plane of this version once (it migrates the schema), then rotate.");
            return 3;
        }

        IPasswordKeyProvider keys;
        try
        {
            keys = host.Services.GetRequiredService<IPasswordKeyProvider>();
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        if (keys is not IRotatingPasswordKeyProvider rotating)
        {
            await error.WriteLineAsync($"error: the key provider {keys.GetType().Name} cannot rotate its key.");
            return 2;
        }

        var failed = await RotateAsync(db, rotating, perSecond, output, CancellationToken.None);
        if (failed > 0)
        {
            await error.WriteLineAsync($"error: {failed} entries did not open with any key the provider holds; the older key versions are kept. Run the command again once that is fixed.");
            return 1;
        }

        return 0;
    }

    /// <summary>Rotates (or resumes a rotation); returns how many entries could not be re-wrapped (then older keys are kept).</summary>
    public static async Task<int> RotateAsync(ControlPlaneDb db, IRotatingPasswordKeyProvider keys, double? perSecond, TextWriter output, CancellationToken ct)
    {
        var before = keys.KeyIds;
        var current = keys.BeginRotation();
        await output.WriteLineAsync(before.Count > 1
            ? $"Resuming the rotation to key {current} (older versions still kept: {string.Join(", ", before.Take(before.Count - 1))})."
            : $"New key {current} is current; re-wrapping the entries under {before[0]}.");
        await output.FlushAsync(ct);

        var failed = await RewrapAllAsync(db, keys, current, perSecond, output, ct);
        if (failed > 0)
        {
            return failed;
        }

        keys.RetireOldKeys();
        // An entry written under an older key between the last pass and the retirement (a replica that had not seen
        // the new key yet): this process still holds the older keys in memory, so re-wrap it now.
        failed = await RewrapAllAsync(db, keys, current, perSecond, output, ct);
        if (failed == 0)
        {
            await output.WriteLineAsync($"Done: every entry is under key {current}; the older versions are destroyed.");
        }

        return failed;
    }

    private static async Task<int> RewrapAllAsync(ControlPlaneDb db, IRotatingPasswordKeyProvider keys, string current, double? perSecond, TextWriter output, CancellationToken ct)
    {
        var unopenable = new HashSet<string>(StringComparer.Ordinal);
        var total = await db.PasswordVault.CountAsync(e => e.KeyId != current, ct);
        var done = 0;
        var delay = perSecond is { } rate ? TimeSpan.FromSeconds(1 / rate) : TimeSpan.Zero;
        while (true)
        {
            var batch = await db.PasswordVault.AsNoTracking()
                .Where(e => e.KeyId != current && !unopenable.Contains(e.UserId))
                .OrderBy(e => e.UserId).Take(100).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return unopenable.Count;
            }

            foreach (var entry in batch)
            {
                var context = PasswordVault.AssociatedData(entry.UserId, entry.Version);
                byte[] wrapped;
                byte[]? dataKey = null;
                try
                {
                    dataKey = keys.Unwrap(entry.KeyId, entry.WrappedKey, context);
                    wrapped = keys.Wrap(dataKey, context);
                }
                catch (CryptographicException)
                {
                    unopenable.Add(entry.UserId);
                    await output.WriteLineAsync($"The entry of user {entry.UserId} (key {entry.KeyId}) does not open; it is left as it is.");
                    continue;
                }
                finally
                {
                    if (dataKey is not null)
                    {
                        CryptographicOperations.ZeroMemory(dataKey);
                    }
                }

                // Only the entry that was read: a new password stored meanwhile is already under the current key.
                await db.PasswordVault
                    .Where(e => e.UserId == entry.UserId && e.Version == entry.Version && e.KeyId == entry.KeyId)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.KeyId, current).SetProperty(e => e.WrappedKey, wrapped), ct);
                done++;
                await output.WriteLineAsync($"Re-wrapped {done} of {Math.Max(total, done)}.");
                await output.FlushAsync(ct);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, ct);
                }
            }
        }
    }
}
