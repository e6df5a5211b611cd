using System.Security.Cryptography;
using Google.Protobuf;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Import;

/// <summary>
/// What the agent last reported and the control plane accepted, so that after the first full pass only changes are
/// sent: users and groups that are new or differ (by a digest of what is sent), and the anchors that left the scope.
/// Kept in memory: after a restart the agent makes a full pass again.
/// </summary>
internal sealed class ImportDelta
{
    private Dictionary<string, string>? _users;
    private Dictionary<string, string>? _groups;

    /// <summary>True until a full report was accepted.</summary>
    public bool NeedsFullPass => _users is null;

    /// <summary>Forgets what was sent: the next report is a full pass.</summary>
    public void Reset()
    {
        _users = null;
        _groups = null;
    }

    /// <summary>The report for <paramref name="snapshot"/>: everything (full) or only what changed.</summary>
    public (ImportReport Report, Dictionary<string, string> Users, Dictionary<string, string> Groups) Build(ImportSnapshot snapshot)
    {
        var users = snapshot.Users.ToDictionary(u => u.Anchor, Digest, StringComparer.Ordinal);
        var groups = snapshot.Groups.ToDictionary(g => g.Anchor, Digest, StringComparer.Ordinal);
        var report = new ImportReport { Full = _users is null };
        if (_users is null || _groups is null)
        {
            report.Users.AddRange(snapshot.Users);
            report.Groups.AddRange(snapshot.Groups);
            return (report, users, groups);
        }

        report.Users.AddRange(snapshot.Users.Where(u => !_users.TryGetValue(u.Anchor, out var d) || d != users[u.Anchor]));
        report.RemovedUserAnchors.AddRange(_users.Keys.Where(a => !users.ContainsKey(a)).Order(StringComparer.Ordinal));
        report.Groups.AddRange(snapshot.Groups.Where(g => !_groups.TryGetValue(g.Anchor, out var d) || d != groups[g.Anchor]));
        report.RemovedGroupAnchors.AddRange(_groups.Keys.Where(a => !groups.ContainsKey(a)).Order(StringComparer.Ordinal));
        return (report, users, groups);
    }

    /// <summary>The control plane accepted the report built with these digests.</summary>
    public void Accepted(Dictionary<string, string> users, Dictionary<string, string> groups)
    {
        _users = users;
        _groups = groups;
    }

    public static bool IsEmpty(ImportReport report) =>
        !report.Full && report.Users.Count == 0 && report.Groups.Count == 0 && report.RemovedUserAnchors.Count == 0 && report.RemovedGroupAnchors.Count == 0;

    private static string Digest(IMessage message) => Convert.ToHexString(SHA256.HashData(message.ToByteArray()), 0, 16);
}
