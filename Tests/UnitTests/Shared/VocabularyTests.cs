using System.Text.Json;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.UnitTests.Shared;

/// <summary>The typed vocabulary keeps JumpCloud's exact spellings on the wire, and refuses what was always refused.</summary>
public sealed class VocabularyTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Every_enum_spells_exactly_the_values_the_wire_always_carried()
    {
        Assert.Equal(["SYNC", "IMPORT"], WireNames<AgentType>.All);
        Assert.Equal(["UNSET", "TWOWAYSYNC", "JCASAUTHORITY", "ADASAUTHORITY"], WireNames<UseCase>.All);
        Assert.Equal(["applied", "skipped", "failed", "unknown"], WireNames<SyncOutcomeKind>.All);
        Assert.Equal(["remove", "retain", "disable"], WireNames<UserDisconnectionAction>.All);
        Assert.Equal(["remove", "retain"], WireNames<DisconnectionAction>.All);
        Assert.Equal(["minimal", "match"], WireNames<GroupMembershipSyncType>.All);
    }

    [Theory]
    [InlineData(UseCase.Unset, "\"UNSET\"")]
    [InlineData(UseCase.TwoWaySync, "\"TWOWAYSYNC\"")]
    [InlineData(UseCase.JcAsAuthority, "\"JCASAUTHORITY\"")]
    [InlineData(UseCase.AdAsAuthority, "\"ADASAUTHORITY\"")]
    public void Json_writes_and_reads_the_wire_spelling(UseCase value, string json)
    {
        Assert.Equal(json, JsonSerializer.Serialize(value, Web));
        Assert.Equal(value, JsonSerializer.Deserialize<UseCase>(json, Web));
        Assert.Equal(value, JsonSerializer.Deserialize<UseCase?>(json, Web));
    }

    [Theory]
    [InlineData("\"twowaysync\"")]
    [InlineData("\"TwoWaySync\"")]
    [InlineData("\"SOMETIMES\"")]
    [InlineData("\"\"")]
    [InlineData("1")]
    [InlineData("true")]
    public void Json_refuses_other_casing_numbers_and_unknown_values_naming_the_field_and_what_it_takes(string value)
    {
        var e = Assert.Throws<WireValueException>(() => JsonSerializer.Deserialize<Holder>($"{{\"useCase\":{value}}}", Web));

        Assert.Equal("$.useCase", e.Path);
        Assert.Equal("one of UNSET, TWOWAYSYNC, JCASAUTHORITY, ADASAUTHORITY", e.Allowed);
    }

    [Fact]
    public void A_null_or_missing_optional_value_stays_null()
    {
        Assert.Null(JsonSerializer.Deserialize<Holder>("{\"useCase\":null}", Web)!.UseCase);
        Assert.Null(JsonSerializer.Deserialize<Holder>("{}", Web)!.UseCase);
    }

    [Fact]
    public void The_refusal_reads_as_the_api_always_answered_it()
    {
        var useCase = CommandError.NotOneOf<UseCase>("useCase");
        var agentType = CommandError.NotOneOf<AgentType>("agentType");

        Assert.Equal(("useCase", "useCase: must be one of UNSET, TWOWAYSYNC, JCASAUTHORITY, ADASAUTHORITY", "invalidUseCase", CommandErrorKind.Invalid),
            (useCase.Field, useCase.Message, useCase.Status, useCase.Kind));
        Assert.Equal(("agentType", "agentType: must be SYNC or IMPORT", "invalidAgentType"), (agentType.Field, agentType.Message, agentType.Status));
    }

    [Fact]
    public void Parsing_is_exact()
    {
        Assert.True(WireNames<AgentType>.TryParse("IMPORT", out var import));
        Assert.Equal(AgentType.Import, import);
        Assert.False(WireNames<AgentType>.TryParse("import", out _));
        Assert.False(WireNames<AgentType>.TryParse(null, out _));
        Assert.Throws<FormatException>(() => WireNames<AgentType>.Parse("Sync"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((AgentType)7).ToWire());
    }

    private sealed record Holder(UseCase? UseCase);
}
