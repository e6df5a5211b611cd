namespace JumpCloudAdi.ControlPlane.Portal.Status;

/// <summary>
/// Why a user is (or is not) as it should be in one domain: how it is bound, the last change queued for it and whether
/// the primary agent acknowledged it, the last outcome, and one line saying what to do next.
/// </summary>
public sealed record SyncExplanation(
    bool Direct,
    IReadOnlyList<string> ViaGroups,
    long? LastChangeSeq,
    string? LastChangeKind,
    bool Pending,
    SyncOutcomeFact? LastOutcome,
    string NextStep,
    string Level)
{
    /// <summary>The state of the domain's agents when the explanation was made.</summary>
    public sealed record AgentsFact(int Installed, int Connected, string? PrimaryName);

    /// <summary>
    /// Works out the explanation. <paramref name="lastChange"/> is the newest change-log entry (or, once that was
    /// pruned, history entry) for the object; it is pending while above the domain's acknowledged cursor.
    /// </summary>
    public static SyncExplanation Explain(bool direct, IReadOnlyList<string> viaGroups, (long Seq, string Kind)? lastChange, long ackedSeq,
        SyncOutcomeFact? lastOutcome, AgentsFact agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var pending = lastChange is { } c && c.Seq > ackedSeq;
        var (next, level) = Advise(lastChange, ackedSeq, pending, lastOutcome, agents);
        return new SyncExplanation(direct, viaGroups, lastChange?.Seq, lastChange?.Kind, pending, lastOutcome, next, level);
    }

    private static (string Text, string Level) Advise((long Seq, string Kind)? lastChange, long ackedSeq, bool pending,
        SyncOutcomeFact? outcome, AgentsFact agents)
    {
        if (pending || (lastChange is null && outcome is null))
        {
            if (agents.Installed == 0)
            {
                return ("No agent is installed for this domain: add one on the domain page and install it on a domain controller or member server.", "action");
            }

            if (agents.Connected == 0)
            {
                return ("No agent of this domain is connected: check the agent service on its host (systemctl status jumpcloud-adi-agent, or services.msc on Windows) and its connection to the control plane.", "action");
            }

            if (agents.PrimaryName is null)
            {
                return ("Pending: an agent is connected but none holds the domain's lease yet; one takes it within a few seconds.", "waiting");
            }

            if (lastChange is { } change)
            {
                var ahead = change.Seq - ackedSeq - 1;
                return ($"Pending: waiting for the primary agent ({agents.PrimaryName}) to apply change {change.Seq}" +
                        (ahead > 0 ? $" ({ahead} changes queued before it)." : "."), "waiting");
            }

            return ($"Not synced yet: waiting for the primary agent ({agents.PrimaryName}).", "waiting");
        }

        if (outcome is null)
        {
            return ("Acknowledged by the primary agent; no outcome was reported for this object.", "ok");
        }

        return outcome.Outcome switch
        {
            Data.SyncOutcomeKind.Applied => ("Nothing to do: the directory has the latest change.", "ok"),
            Data.SyncOutcomeKind.Skipped => ("The agent leaves this account alone (" + (outcome.Message.Length > 0 ? outcome.Message : "skipped") +
                          "): manage it in the directory itself, or bind another user.", "ok"),
            _ => (Failure(outcome, lastChange?.Kind), "action"),
        };
    }

    private static string Failure(SyncOutcomeFact outcome, string? kind)
    {
        var aboutPassword = outcome.Kind == "PasswordSet" || kind == "PasswordSet"
                            || outcome.Message.Contains("password", StringComparison.OrdinalIgnoreCase);
        return outcome.Code switch
        {
            19 or 53 when aboutPassword =>
                "The DC refused the password: set one that meets the domain's password policy (length, complexity, history, minimum age).",
            50 => "The agent's service account lacks rights: delegate create, delete and write rights on the root user container (and the sync group) to it.",
            68 => "An entry with this name already exists in the directory outside JumpCloud's control: rename or remove it, then save the user again.",
            32 => "The container the entry belongs in does not exist: check the agent's root user DN and sync group DN.",
            19 => "The DC refused a value (constraint violation): correct what its message names, then save the user again.",
            _ => $"The directory refused the change (LDAP result {outcome.Code}): fix what its message says, then save the user again or run a reconcile.",
        };
    }
}

/// <summary>One acknowledged outcome as the explanation shows it.</summary>
public sealed record SyncOutcomeFact(DateTimeOffset At, long Seq, string Kind, string? AgentId, Data.SyncOutcomeKind Outcome, int Code, string Message);
