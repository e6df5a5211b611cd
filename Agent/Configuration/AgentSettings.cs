namespace JumpCloudAdi.Agent.Configuration;

/// <summary>
/// Everything <c>install</c> writes and <c>run</c> reads. Secrets are held here in plaintext only in memory;
/// <see cref="SettingsStore"/> encrypts them in the file.
/// </summary>
public sealed class AgentSettings
{
    public string ControlPlaneUrl { get; set; } = "";
    public string? ControlPlaneCaPem { get; set; }
    public string? ControlPlanePin { get; set; }
    public string ServerType { get; set; } = "member";
    public string LdapUrl { get; set; } = "";
    public string? LdapCaPem { get; set; }
    public bool StartTls { get; set; }
    public bool AllowInsecureLdap { get; set; }
    public string RootUserDn { get; set; } = "";
    public string BindUser { get; set; } = "";
    public string SyncGroupDn { get; set; } = "";
    public DisconnectionAction GroupDisconnectionAction { get; set; } = DisconnectionAction.Retain;
    public UserDisconnectionAction UserDisconnectionAction { get; set; } = UserDisconnectionAction.Disable;
    public DisconnectionAction MembershipDisconnectionAction { get; set; } = DisconnectionAction.Remove;
    public GroupMembershipSyncType GroupMembershipSyncType { get; set; } = GroupMembershipSyncType.Minimal;
    public bool SyncAccountLockedOutStatus { get; set; }

    /// <summary>
    /// AD / Samba only: how many <c>member</c> values to ask for per read of a group, from the first read on; null
    /// (the default) leaves it to the DC (Windows returns at most its MaxValRange, 1500, and names the rest as ranges;
    /// Samba returns every value unless a range is asked for).
    /// </summary>
    public int? AdMemberRange { get; set; }

    /// <summary>SYNC (writes the control plane's changes into the directory) or IMPORT (reads users from it).</summary>
    public AgentType AgentType { get; set; } = AgentType.Sync;

    /// <summary>IMPORT: the ADI security group whose members (and nested groups' members) are imported.</summary>
    public string? ImportGroupDn { get; set; }
    public string UserFieldMapping { get; set; } = "samaccountname";
    public bool SyncAdditionalAttributes { get; set; } = true;
    public string UserTakeoverAction { get; set; } = "takeover";
    public string UserDissociationAction { get; set; } = "remove";
    public int PollSeconds { get; set; } = 90;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsImport => AgentType == AgentType.Import;

    public string? AgentId { get; set; }
    public string? DomainId { get; set; }
    public string? Domain { get; set; }

    /// <summary>Secret: the service account's password.</summary>
    public string? BindPassword { get; set; }

    /// <summary>Secret: the one-time connect key, removed after enrollment.</summary>
    public string? ConnectKey { get; set; }

    /// <summary>Secret: the agent's long-lived credential, set at enrollment.</summary>
    public string? AgentCredential { get; set; }

    /// <summary>Secret: base64 PKCS#8 of the agent's P-256 private key; passwords are sealed to its public half.</summary>
    public string? AgentPrivateKey { get; set; }

    /// <summary>The non-secret settings, reported to the control plane and shown by <c>status</c>.</summary>
    public Dictionary<string, string> Describe()
    {
        if (IsImport)
        {
            return DescribeImport();
        }

        var described = new Dictionary<string, string>
        {
            ["controlPlane"] = ControlPlaneUrl,
            ["serverType"] = ServerType,
            ["ldapUrl"] = LdapUrl,
            ["startTls"] = StartTls ? "true" : "false",
            ["allowInsecureLdap"] = AllowInsecureLdap ? "true" : "false",
            ["rootUserDn"] = RootUserDn,
            ["bindUser"] = BindUser,
            ["syncGroupDn"] = SyncGroupDn,
            ["groupDisconnectionAction"] = GroupDisconnectionAction.ToWire(),
            ["userDisconnectionAction"] = UserDisconnectionAction.ToWire(),
            ["membershipDisconnectionAction"] = MembershipDisconnectionAction.ToWire(),
            ["groupMembershipSyncType"] = GroupMembershipSyncType.ToWire(),
            ["syncAccountLockedOutStatus"] = SyncAccountLockedOutStatus ? "true" : "false",
        };
        if (AdMemberRange is { } range)
        {
            described["adMemberRange"] = range.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return described;
    }

    private Dictionary<string, string> DescribeImport() => new()
    {
        ["agentType"] = AgentType.ToWire(),
        ["controlPlane"] = ControlPlaneUrl,
        ["serverType"] = ServerType,
        ["ldapUrl"] = LdapUrl,
        ["startTls"] = StartTls ? "true" : "false",
        ["rootUserDn"] = RootUserDn,
        ["bindUser"] = BindUser,
        ["importGroupDn"] = ImportGroupDn ?? "",
        ["userFieldMapping"] = UserFieldMapping,
        ["syncAdditionalAttributes"] = SyncAdditionalAttributes ? "true" : "false",
        ["userTakeoverAction"] = UserTakeoverAction,
        ["userDissociationAction"] = UserDissociationAction,
        ["pollSeconds"] = PollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
