namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>One accepted report of an IMPORT agent and what the control plane did with it.</summary>
public sealed class ImportRun
{
    public long Id { get; set; }
    public required string DomainId { get; set; }
    public required string AgentId { get; set; }
    public DateTimeOffset At { get; set; }
    public bool Full { get; set; }
    public bool Once { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int TakenOver { get; set; }
    public int Unchanged { get; set; }
    public int Dissociated { get; set; }
    public int GroupsCreated { get; set; }
    public int GroupsUpdated { get; set; }
    public int GroupsRemoved { get; set; }

    /// <summary>The users that were not imported, with why: JSON array of <c>{dn, username, reason}</c>.</summary>
    public string SkippedJson { get; set; } = "[]";
}
