using System.Text.Json.Nodes;
using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>The agent's command line as an operator meets it: status, upgrade, and bad input.</summary>
public sealed class CliTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    [Fact]
    public async Task Status_shows_the_settings_with_secrets_masked_the_connection_state_and_the_latest_sync()
    {
        await using var h = await AgentHarness.StartAsync(slapd, new Dictionary<string, string?> { ["--user-disconnection-action"] = "retain" });
        var uid = Changes.Unique("stat");
        await h.MustApplyAsync(Changes.User(Changes.NewId(), uid));
        var output = "";
        await Processes.WaitUntilAsync(async () =>
        {
            output = (await AgentProcess.CliAsync("status", "--config", h.Agent.ConfigPath)).EnsureSuccess("status").Output;
            return output.Contains("1 applied", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "status showing the latest sync");

        Assert.Contains(h.AgentId, output, StringComparison.Ordinal);
        Assert.Contains("connected (primary)", output, StringComparison.Ordinal);
        Assert.Matches(@"userDisconnectionAction:\s+retain", output);
        Assert.Matches(@"rootUserDn:\s+OU=People;DC=example;DC=com", output);
        Assert.Matches(@"bindPassword:\s+\*+", output);
        Assert.Matches(@"agentCredential:\s+\*+", output);
        Assert.Matches(@"agentPrivateKey:\s+\*+", output);
        Assert.Matches(@"connectKey:\s+\(none\)", output);
        Assert.DoesNotContain(slapd.BindPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Re_running_install_without_a_connect_key_keeps_the_agents_identity_and_applies_new_settings()
    {
        await using var h = await AgentHarness.StartAsync(slapd);
        h.Agent.Kill();
        var before = JsonNode.Parse(await File.ReadAllTextAsync(h.Agent.ConfigPath))!;
        var upgrade = await h.Agent.TryInstallAsync(h.ControlPlane, slapd, connectKey: null,
            new Dictionary<string, string?> { ["--user-disconnection-action"] = "remove" });
        upgrade.EnsureSuccess("install (upgrade)");
        Assert.Contains(h.AgentId, upgrade.Output, StringComparison.Ordinal);
        var after = JsonNode.Parse(await File.ReadAllTextAsync(h.Agent.ConfigPath))!;
        Assert.Equal(h.AgentId, after["settings"]!["agentId"]!.GetValue<string>());
        Assert.Equal("remove", after["settings"]!["userDisconnectionAction"]!.GetValue<string>());
        Assert.Equal(before["settings"]!["domainId"]!.GetValue<string>(), after["settings"]!["domainId"]!.GetValue<string>());

        // The upgraded agent reconnects with its old credential and key, and uses the new setting.
        using var restarted = new AgentProcess(h.Agent.Directory).Start();
        var uid = Changes.Unique("upg");
        var id = Changes.NewId();
        await h.MustApplyAsync(Changes.User(id, uid));
        await h.MustApplyAsync(await h.PasswordAsync(id, uid, "Upgrade!Pw1"));
        Assert.True(await slapd.CanBindAsync($"uid={uid},ou=People,dc=example,dc=com", "Upgrade!Pw1"));
        await h.MustApplyAsync(Changes.Disconnect(id, uid));
        Assert.Empty(await slapd.SearchAsync("ou=People,dc=example,dc=com", $"(uid={uid})", "uid"));
    }

    public static TheoryData<string, string[], string> BadInput => new()
    {
        { "missing option", ["--root-user-dn", null!], "--root-user-dn" },
        { "comma DN", ["--root-user-dn", "OU=People,DC=example,DC=com"], "semicolons" },
        { "lower-case DN", ["--root-user-dn", "ou=People;DC=example;DC=com"], "capitals" },
        { "non-ASCII DN", ["--sync-group-dn", "CN=Gruppé;DC=example;DC=com"], "ASCII" },
        { "plain LDAP without flags", ["--ldap-url", "ldap://127.0.0.1:389"], "plain LDAP" },
        { "only one insecure flag", ["--allow-insecure-ldap", ""], "--accept-insecure-ldap-risk" },
        { "bad setting value", ["--user-disconnection-action", "delete"], "--user-disconnection-action" },
        { "bad locked-out value", ["--sync-account-locked-out-status", "yes"], "--sync-account-locked-out-status" },
        { "missing password file", ["--bind-password-file", "/nonexistent/pw"], "/nonexistent/pw" },
        { "zero member range", ["--ad-member-range", "0"], "--ad-member-range" },
        { "non-numeric member range", ["--ad-member-range", "many"], "--ad-member-range" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_install_input_exits_non_zero_with_one_line_and_writes_nothing(string what, string[] option, string mentioned)
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var agent = new AgentProcess(temp.Sub("agent"));
        var result = await agent.TryInstallAsync(controlPlane, slapd, "a-connect-key", new Dictionary<string, string?> { [option[0]] = option[1] });
        Assert.True(result.ExitCode != 0, $"{what}: install succeeded: {result.Output}");
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{what}: expected one line, got: {result.Output}");
        Assert.Contains(mentioned, lines[0], StringComparison.Ordinal);
        Assert.False(File.Exists(agent.ConfigPath), $"{what}: a settings file was written");
    }
}
