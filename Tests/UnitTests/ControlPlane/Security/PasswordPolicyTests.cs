using JumpCloudAdi.ControlPlane.Security;

namespace JumpCloudAdi.UnitTests.ControlPlane.Security;

public class PasswordPolicyTests
{
    private static readonly PasswordPolicyOptions _default = new();

    [Theory]
    [InlineData("Abc12!", "at least 7")]
    [InlineData("abcdefgh", "3 of")]
    [InlineData("ABCDEFG1", "3 of")]
    [InlineData("xxada.lovelaceX1!", "username")]
    [InlineData("Lovelace#2024", "Lovelace")]
    public void Passwords_AD_would_reject_are_refused_with_the_rule(string password, string rule)
    {
        var problem = PasswordPolicy.Check(password, "ada.lovelace", "Ada", "Lovelace", _default);
        Assert.NotNull(problem);
        Assert.Contains(rule, problem, StringComparison.Ordinal);
        Assert.StartsWith("password:", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Correct-Horse-9")]
    [InlineData("abcDEF123")]
    [InlineData("ab1!ab1!")]
    [InlineData("Ada-is-here-1")]
    public void Passwords_meeting_AD_complexity_are_accepted(string password) =>
        Assert.Null(PasswordPolicy.Check(password, "ada.lovelace", "Al", "Lo", _default));

    [Fact]
    public void The_policy_is_configurable()
    {
        var lax = new PasswordPolicyOptions { MinLength = 4, RequiredCharacterClasses = 1, RejectNameParts = false };
        Assert.Null(PasswordPolicy.Check("lovelace", "ada", "Ada", "Lovelace", lax));
        var strict = new PasswordPolicyOptions { MinLength = 12, RequiredCharacterClasses = 4 };
        Assert.NotNull(PasswordPolicy.Check("Abcdef12!", "x", "", "", strict));
        Assert.Contains("4 of", PasswordPolicy.Check("Abcdefghijk12", "x", "", "", strict), StringComparison.Ordinal);
    }
}
