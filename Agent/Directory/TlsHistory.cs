using System.Globalization;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>
/// Which directory servers have spoken TLS to this agent, and since when: one <c>host:port date</c> line each, in the
/// agent's state folder. A server on this list that suddenly offers no TLS is treated as an attack (StartTLS
/// stripping), never as a reason to fall back to plain LDAP.
/// </summary>
internal sealed class TlsHistory(string path, TimeProvider time)
{
    public string Path => path;

    /// <summary>When <paramref name="host"/>:<paramref name="port"/> first spoke TLS to this agent, or null if never.</summary>
    public DateOnly? SpokeTls(string host, int port) =>
        Read().TryGetValue(Key(host, port), out var since) ? since : null;

    /// <summary>Records a successful TLS session; a no-op when the server is already on the list.</summary>
    public void RecordTls(string host, int port)
    {
        var seen = Read();
        if (!seen.TryAdd(Key(host, port), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)))
        {
            return;
        }

        var lines = seen.Select(s => $"{s.Key} {s.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\n");
        SettingsStore.ReplaceOwnerOnly(path, string.Concat(lines));
    }

    private static string Key(string host, int port) => $"{host.ToLowerInvariant()}:{port.ToString(CultureInfo.InvariantCulture)}";

    private Dictionary<string, DateOnly> Read()
    {
        var seen = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return seen;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
            {
                seen.TryAdd(parts[0], since);
            }
            else if (parts.Length > 0)
            {
                // An unreadable line still means "spoke TLS": err on the side of refusing plain LDAP.
                seen.TryAdd(parts[0], DateOnly.MinValue);
            }
        }

        return seen;
    }
}
