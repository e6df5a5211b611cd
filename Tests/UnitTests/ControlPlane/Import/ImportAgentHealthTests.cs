using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Import;
using JumpCloudAdi.ControlPlane.Portal.Status;
using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.UnitTests.ControlPlane.Import;

/// <summary>Import agents are green while connected and yellow (never red) once they stop contacting; import reports are checked.</summary>
public sealed class ImportAgentHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    private static AgentRecord Agent(string state, DateTimeOffset? contactAt, AgentType type = AgentType.Import) => new()
    {
        Id = "6b08197522a08808fa70ac83",
        DomainId = "6b081975829546199f2d4e3b",
        AgentType = type,
        State = state,
        ContactAt = contactAt,
        ConnectKeyHash = [1, 2, 3],
        KeyExpiresAt = Now.AddDays(7),
    };

    [Fact]
    public void An_import_agent_is_green_while_fresh_and_yellow_not_red_once_silent_or_disconnected()
    {
        var freshFor = AgentHealth.FreshFor(Heartbeat);
        Assert.Equal(AgentHealthLevel.Green, AgentHealth.Evaluate(Agent(AgentStates.Active, Now - freshFor), Now, Heartbeat, null).Level);

        var silent = AgentHealth.Evaluate(Agent(AgentStates.Active, Now - freshFor - TimeSpan.FromMilliseconds(1)), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Yellow, "No longer active"), (silent.Level, silent.Label));

        var gone = AgentHealth.Evaluate(Agent(AgentStates.Inactive, Now.AddHours(-1)), Now, Heartbeat, null);
        Assert.Equal((AgentHealthLevel.Yellow, "No longer active"), (gone.Level, gone.Label));
        Assert.Contains("delete it", gone.Detail, StringComparison.Ordinal);

        // A SYNC agent in the same state is still red.
        Assert.Equal(AgentHealthLevel.Red, AgentHealth.Evaluate(Agent(AgentStates.Inactive, Now.AddHours(-1), AgentType.Sync), Now, Heartbeat, null).Level);
    }

    [Fact]
    public void Import_keys_follow_the_use_case()
    {
        Assert.Null(ImportRules.RefuseImportKey(UseCase.TwoWaySync));
        Assert.Null(ImportRules.RefuseImportKey(UseCase.AdAsAuthority));
        Assert.Equal("importNotAllowed", ImportRules.RefuseImportKey(UseCase.JcAsAuthority)!.Status);
        Assert.Equal("importNotAllowed", ImportRules.RefuseImportKey(UseCase.Unset)!.Status);
    }

    [Fact]
    public void A_report_with_duplicate_or_missing_anchors_or_unknown_actions_is_refused()
    {
        var ok = new ImportReport { Options = new ImportOptions { UserDissociationAction = "unbind", UserTakeoverAction = "skip" } };
        ok.Users.Add(new ImportedUser { Anchor = "a" });
        Assert.Null(ImportReports.Problem(ok));

        var duplicate = ok.Clone();
        duplicate.Users.Add(new ImportedUser { Anchor = "a" });
        Assert.Contains("anchor", ImportReports.Problem(duplicate), StringComparison.Ordinal);

        var missing = new ImportReport();
        missing.Groups.Add(new ImportedGroup { Anchor = "" });
        Assert.Contains("anchor", ImportReports.Problem(missing), StringComparison.Ordinal);

        var action = new ImportReport { Options = new ImportOptions { UserDissociationAction = "disable" } };
        Assert.Contains("remove or unbind", ImportReports.Problem(action), StringComparison.Ordinal);
    }
}
