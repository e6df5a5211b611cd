using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>One change-log entry a dry run would append: its would-be sequence number, kind, object and a one-line summary.</summary>
public sealed record PreviewEntry(long Seq, string Kind, string? ObjectId, string Summary)
{
    /// <summary>How the entry counts in its domain's summary (e.g. <see cref="PreviewVerb.Disable"/> for a suspended user's upsert).</summary>
    internal PreviewVerb Verb { get; init; }

    internal int Added { get; init; }

    internal int Removed { get; init; }
}

/// <summary>How a previewed entry is counted in its domain's summary lines.</summary>
internal enum PreviewVerb
{
    Other,
    UpsertUser,
    Disable,
    DisconnectUser,
    Password,
    UpsertGroup,
    DisconnectGroup,
    Members,
    Reconcile,
}

/// <summary>What a dry run would append to one domain's change log: summary lines ("disable 3 accounts") and the entries.</summary>
public sealed record DomainPreview(string DomainId, string? Domain, IReadOnlyList<string> Summary, IReadOnlyList<PreviewEntry> Changes);

/// <summary>
/// The answer to a dry run (<c>dryRun=true</c>): the status the real call would have answered and, per domain, what it
/// would append to the change log. Nothing was stored.
/// </summary>
public sealed record ChangePreview(bool DryRun, int Status, IReadOnlyList<DomainPreview> Domains)
{
    /// <summary>True when the operation would append nothing anywhere (no directory would change).</summary>
    public bool Empty => Domains.All(d => d.Changes.Count == 0);
}

/// <summary>One-line, human summaries of change entries (never a secret: a password entry names only the account).</summary>
public static class ChangeSummary
{
    /// <summary>
    /// The entry for <paramref name="change"/>; <paramref name="previousMembers"/> is the group's member list as the
    /// domain last got it (null when it never got one), to tell memberships added from removed.
    /// </summary>
    public static PreviewEntry Describe(Change change, IReadOnlyCollection<string>? previousMembers)
    {
        ArgumentNullException.ThrowIfNull(change);
        var prefix = change.Reconcile ? "reconcile: " : "";
        var id = History.ChangeObjects.IdOf(change);
        var kind = change.KindCase.ToString();
        PreviewEntry Entry(PreviewVerb verb, string text, int added = 0, int removed = 0) =>
            new(change.Seq, kind, id, prefix + text) { Verb = change.Reconcile ? PreviewVerb.Reconcile : verb, Added = added, Removed = removed };

        switch (change.KindCase)
        {
            case Change.KindOneofCase.UserUpsert:
                return change.UserUpsert.Suspended
                    ? Entry(PreviewVerb.Disable, $"disable account {change.UserUpsert.Username}")
                    : Entry(PreviewVerb.UpsertUser, $"create or update user {change.UserUpsert.Username}");
            case Change.KindOneofCase.UserDisconnect:
                return Entry(PreviewVerb.DisconnectUser, $"disconnect user {change.UserDisconnect.Username}");
            case Change.KindOneofCase.PasswordSet:
                return Entry(PreviewVerb.Password, $"set the password of {change.PasswordSet.Username}");
            case Change.KindOneofCase.GroupUpsert:
                return Entry(PreviewVerb.UpsertGroup, $"create or update group {change.GroupUpsert.Name}");
            case Change.KindOneofCase.GroupDisconnect:
                return Entry(PreviewVerb.DisconnectGroup, $"disconnect group {change.GroupDisconnect.Name}");
            case Change.KindOneofCase.MembershipSet:
                var set = change.MembershipSet;
                var now = set.MemberUsernames.ToHashSet(StringComparer.OrdinalIgnoreCase);
                var before = (previousMembers ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var added = now.Count(m => !before.Contains(m));
                var removed = before.Count(m => !now.Contains(m));
                return Entry(PreviewVerb.Members, $"set the members of {set.GroupName} ({set.MemberUsernames.Count}: +{added} -{removed})", added, removed);
            default:
                return Entry(PreviewVerb.Other, kind);
        }
    }

    /// <summary>A domain's summary lines, e.g. <c>create or update user ada</c>, <c>disable 3 accounts</c>, <c>remove 12 memberships</c>.</summary>
    public static IReadOnlyList<string> Summarize(IReadOnlyList<PreviewEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var lines = new List<string>();
        void Count(PreviewVerb verb, string many)
        {
            var matching = entries.Where(e => e.Verb == verb).ToList();
            if (matching.Count == 1)
            {
                lines.Add(matching[0].Summary);
            }
            else if (matching.Count > 1)
            {
                lines.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, many, matching.Count));
            }
        }

        Count(PreviewVerb.UpsertUser, "create or update {0} users");
        Count(PreviewVerb.Disable, "disable {0} accounts");
        Count(PreviewVerb.DisconnectUser, "disconnect {0} users");
        Count(PreviewVerb.Password, "set {0} passwords");
        Count(PreviewVerb.UpsertGroup, "create or update {0} groups");
        Count(PreviewVerb.DisconnectGroup, "disconnect {0} groups");
        var added = entries.Sum(e => e.Added);
        var removed = entries.Sum(e => e.Removed);
        if (added > 0)
        {
            lines.Add(added == 1 ? "add 1 membership" : $"add {added} memberships");
        }

        if (removed > 0)
        {
            lines.Add(removed == 1 ? "remove 1 membership" : $"remove {removed} memberships");
        }

        if (entries.Any(e => e.Verb == PreviewVerb.Members) && added == 0 && removed == 0)
        {
            lines.Add("resend unchanged memberships");
        }

        var reconcile = entries.Count(e => e.Verb == PreviewVerb.Reconcile);
        if (reconcile > 0)
        {
            lines.Add($"reconcile: {reconcile} entries of the domain's whole desired state");
        }

        return lines;
    }
}
