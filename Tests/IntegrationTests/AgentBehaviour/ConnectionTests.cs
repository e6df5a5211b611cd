using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// How the agent reaches the directory (LDAPS, StartTLS, the acknowledged plain-LDAP fallback) and when it refuses to
/// run at all, against a real slapd that serves both ldap:// and ldaps://.
/// </summary>
public sealed class ConnectionTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private static Dictionary<string, string?> Options(params (string Name, string? Value)[] options) =>
        options.ToDictionary(o => o.Name, o => o.Value);

    /// <summary>Installs and runs an agent that must refuse to start; returns its one-line reason.</summary>
    private async Task<string> RefusalAsync(Dictionary<string, string?> options)
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await controlPlane.CreateDomainAsync();
        var (agentId, connectKey) = await controlPlane.CreateConnectKeyAsync(domainId);
        using var agent = new AgentProcess(temp.Sub("agent"));
        (await agent.TryInstallAsync(controlPlane, slapd, connectKey, options)).EnsureSuccess("install");
        agent.Start();
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the agent kept running: {agent.Log}");
        Assert.Equal(4, agent.ExitCode);
        var lines = agent.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));

        // It refused before enrolling: the connect key is still unused, the agent unknown to the control plane.
        var agents = await controlPlane.AgentsAsync(domainId);
        Assert.NotEqual("active", agents.Single(a => a!["id"]!.GetValue<string>() == agentId)!["state"]!.GetValue<string>());
        return error;
    }

    [Fact]
    public async Task An_agent_given_the_wrong_CA_for_the_directory_refuses_to_run_and_says_the_certificate_does_not_validate()
    {
        using var other = new TempDirectory();
        var wrongCa = TestCertificates.Create(other.Path, "elsewhere").CaPath;
        var error = await RefusalAsync(Options(("--ldap-ca-cert", wrongCa)));
        Assert.Contains("certificate", error, StringComparison.Ordinal);
        Assert.Contains("does not validate", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{slapd.SecurePort}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_whose_root_user_container_does_not_exist_refuses_to_run()
    {
        var error = await RefusalAsync(Options(("--root-user-dn", "OU=Nowhere;DC=example;DC=com")));
        Assert.Contains("root user container 'OU=Nowhere;DC=example;DC=com'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_whose_sync_group_does_not_exist_refuses_to_run()
    {
        var error = await RefusalAsync(Options(("--sync-group-dn", "CN=Missing;OU=Groups;DC=example;DC=com")));
        Assert.Contains("sync group 'CN=Missing;OU=Groups;DC=example;DC=com'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_whose_service_account_password_is_refused_stops_instead_of_retrying()
    {
        using var temp = new TempDirectory();
        var wrong = temp.Sub("wrong.pw");
        await File.WriteAllTextAsync(wrong, "not-the-password\n");
        var error = await RefusalAsync(Options(("--bind-password-file", wrong)));
        Assert.Contains("LDAP 49", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTLS_on_the_plain_port_validates_the_certificate_and_carries_passwords()
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(("--ldap-url", slapd.LdapUrl), ("--starttls", "")));
        var uid = Changes.Unique("tls");
        var id = Changes.NewId();
        await h.MustApplyAsync(Changes.User(id, uid));
        await h.MustApplyAsync(await h.PasswordAsync(id, uid, "Start!Tls123"));
        Assert.True(await slapd.CanBindAsync($"uid={uid},ou=People,dc=example,dc=com", "Start!Tls123"));
        Assert.DoesNotContain("plain LDAP", h.Agent.Log, StringComparison.Ordinal);

        // The agent remembers that this server speaks TLS: it will never accept plain LDAP from it later.
        var seen = await File.ReadAllTextAsync(Path.Combine(h.Agent.ConfigPath + ".d", "tls-seen"));
        Assert.StartsWith($"127.0.0.1:{slapd.Port} ", seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTLS_with_a_certificate_that_does_not_validate_refuses_to_run()
    {
        using var other = new TempDirectory();
        var wrongCa = TestCertificates.Create(other.Path, "elsewhere").CaPath;
        var error = await RefusalAsync(Options(("--ldap-url", slapd.LdapUrl), ("--starttls", ""), ("--ldap-ca-cert", wrongCa)));
        Assert.Contains($"127.0.0.1:{slapd.Port}", error, StringComparison.Ordinal);
        Assert.Contains("does not validate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_both_insecure_flags_a_certificate_that_does_not_validate_still_refuses_to_run()
    {
        using var other = new TempDirectory();
        var wrongCa = TestCertificates.Create(other.Path, "elsewhere").CaPath;
        var error = await RefusalAsync(Options(
            ("--ldap-url", slapd.LdapUrl), ("--ldap-ca-cert", wrongCa), ("--allow-insecure-ldap", ""), ("--accept-insecure-ldap-risk", "")));
        Assert.Contains("does not validate", error, StringComparison.Ordinal);
        Assert.DoesNotContain("plain LDAP", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_insecure_flags_are_refused_with_an_LDAPS_URL()
    {
        using var temp = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var agent = new AgentProcess(temp.Sub("agent"));
        var result = await agent.TryInstallAsync(controlPlane, slapd, "a-connect-key",
            Options(("--allow-insecure-ldap", ""), ("--accept-insecure-ldap-risk", "")));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("never falls back to plain LDAP", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(agent.ConfigPath));
    }

    [Fact]
    public async Task With_both_insecure_flags_a_working_TLS_is_still_preferred()
    {
        await using var h = await AgentHarness.StartAsync(slapd, Options(
            ("--ldap-url", slapd.LdapUrl), ("--allow-insecure-ldap", ""), ("--accept-insecure-ldap-risk", "")));
        var uid = Changes.Unique("pref");
        var id = Changes.NewId();
        await h.MustApplyAsync(Changes.User(id, uid));
        await h.MustApplyAsync(await h.PasswordAsync(id, uid, "Still!Tls123"));
        Assert.DoesNotContain("plain LDAP", h.Agent.Log, StringComparison.Ordinal);
    }
}
