using JumpCloudAdi.ControlPlane.Api;
using JumpCloudAdi.ControlPlane.Data;

namespace JumpCloudAdi.UnitTests.ControlPlane.Api;

public class AdRulesTests
{
    private static SystemUser User(string username = "jdoe", string firstname = "John", string lastname = "Doe") => new()
    {
        Id = "5f0c8a1b2c3d4e5f6a7b8c9d",
        Username = username,
        Email = "jdoe@example.com",
        Firstname = firstname,
        Lastname = lastname,
    };

    [Fact]
    public void CheckBindable_CompleteUser_HasNoProblem()
    {
        Assert.Null(AdRules.CheckBindable(User()));
    }

    [Theory]
    [InlineData("", "Doe")]
    [InlineData("John", "")]
    [InlineData("   ", "Doe")]
    [InlineData("John", "\t")]
    [InlineData("", "")]
    public void CheckBindable_MissingName_ReportsMissingName(string firstname, string lastname)
    {
        var problem = AdRules.CheckBindable(User(firstname: firstname, lastname: lastname));

        Assert.NotNull(problem);
        Assert.Equal("missingName", problem.Status);
        Assert.Contains("firstname", problem.Message, StringComparison.Ordinal);
        Assert.Contains("lastname", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckBindable_NamedUserWithBadUsername_ReportsUsernameProblem()
    {
        var problem = AdRules.CheckBindable(User(username: "j@doe"));

        Assert.NotNull(problem);
        Assert.Equal("invalidUsername", problem.Status);
        Assert.Contains("'j@doe'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jdoe")]
    [InlineData("john.doe")]
    [InlineData("john_doe-2")]
    [InlineData("a")]
    [InlineData("abcdefghijklmnopqrst")]
    [InlineData(".leading")]
    [InlineData("has space")]
    public void CheckSamAccountName_Acceptable_HasNoProblem(string username)
    {
        Assert.Null(AdRules.CheckSamAccountName(username));
    }

    [Fact]
    public void CheckSamAccountName_21Characters_ReportsLength()
    {
        var username = "abcdefghijklmnopqrstu";
        Assert.Equal(21, username.Length);

        var problem = AdRules.CheckSamAccountName(username);

        Assert.NotNull(problem);
        Assert.Equal("invalidUsername", problem.Status);
        Assert.Contains($"'{username}'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("20", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('"')]
    [InlineData('/')]
    [InlineData('\\')]
    [InlineData('[')]
    [InlineData(']')]
    [InlineData(':')]
    [InlineData(';')]
    [InlineData('|')]
    [InlineData('=')]
    [InlineData(',')]
    [InlineData('+')]
    [InlineData('*')]
    [InlineData('?')]
    [InlineData('<')]
    [InlineData('>')]
    [InlineData('@')]
    public void CheckSamAccountName_ForbiddenCharacter_ReportsCharacterProblem(char forbidden)
    {
        var username = $"ab{forbidden}cd";

        var problem = AdRules.CheckSamAccountName(username);

        Assert.NotNull(problem);
        Assert.Equal("invalidUsername", problem.Status);
        Assert.Contains($"'{username}'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("does not allow", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab\0cd")]
    [InlineData("ab\ncd")]
    [InlineData("ab\tcd")]
    public void CheckSamAccountName_ControlCharacter_ReportsCharacterProblem(string username)
    {
        var problem = AdRules.CheckSamAccountName(username);

        Assert.NotNull(problem);
        Assert.Equal("invalidUsername", problem.Status);
        Assert.Contains("does not allow", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jdoe.")]
    [InlineData("j.doe..")]
    public void CheckSamAccountName_TrailingPeriod_ReportsPeriodProblem(string username)
    {
        var problem = AdRules.CheckSamAccountName(username);

        Assert.NotNull(problem);
        Assert.Equal("invalidUsername", problem.Status);
        Assert.Contains("period", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"'{username}'", problem.Message, StringComparison.Ordinal);
    }
}
