using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// The plain-LDAP fallback cannot be used against the agent: a server in the network path that presents a bad
/// certificate, refuses StartTLS, or stops offering TLS after it once did, never receives the service account's password
/// in clear. Each test runs a real control plane and agent process against <see cref="FakeLdapServer"/>, which records
/// every unencrypted byte it receives.
/// </summary>
public sealed class PlainLdapTests
{
    private static readonly Dictionary<string, string?> _insecureFlags = new()
    {
        ["--allow-insecure-ldap"] = "",
        ["--accept-insecure-ldap-risk"] = "",
    };

    /// <summary>Installs and runs an agent against <paramref name="fake"/>; it must refuse to run. Returns its one-line reason.</summary>
    private static async Task<string> RefusalAsync(TempDirectory temp, FakeLdapServer fake, Dictionary<string, string?> options,
        Action<AgentProcess>? beforeStart = null)
    {
        await using var controlPlane = await ControlPlaneHost.StartAsync(temp.Sub("cp"));
        var domainId = await controlPlane.CreateDomainAsync();
        var (_, connectKey) = await controlPlane.CreateConnectKeyAsync(domainId);
        using var agent = new AgentProcess(temp.Sub("agent"));
        (await agent.TryInstallAsync(controlPlane, fake, connectKey, options)).EnsureSuccess("install");
        beforeStart?.Invoke(agent);
        agent.Start();
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the agent kept running: {agent.Log}");
        Assert.Equal(4, agent.ExitCode);
        var lines = agent.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain(fake.BindPassword, agent.Log, StringComparison.Ordinal);
        return Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
    }

    private static void AssertNoPasswordInClear(FakeLdapServer fake)
    {
        Assert.True(fake.Connections > 0, "the agent never reached the fake server: the test proves nothing");
        Assert.Empty(fake.ClearSimpleBinds);
        Assert.DoesNotContain(fake.BindPassword, fake.Cleartext, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTLS_with_an_untrusted_certificate_never_falls_back_to_plain_LDAP_even_with_both_insecure_flags()
    {
        using var temp = new TempDirectory();
        await using var fake = new FakeLdapServer(temp.Sub("fake"), FakeLdapServer.StartTlsMode.UntrustedCertificate);
        var error = await RefusalAsync(temp, fake, new(_insecureFlags) { ["--ldap-url"] = fake.LdapUrl });
        Assert.Contains("does not validate", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{fake.Port}", error, StringComparison.Ordinal);
        AssertNoPasswordInClear(fake);
    }

    [Fact]
    public async Task LDAPS_with_an_untrusted_certificate_refuses_to_run_and_sends_nothing_in_clear()
    {
        using var temp = new TempDirectory();
        await using var fake = new FakeLdapServer(temp.Sub("fake"), FakeLdapServer.StartTlsMode.UntrustedCertificate);
        var error = await RefusalAsync(temp, fake, new() { ["--ldap-url"] = fake.LdapsUrl });
        Assert.Contains("does not validate", error, StringComparison.Ordinal);
        AssertNoPasswordInClear(fake);
    }

    [Fact]
    public async Task A_server_without_TLS_never_receives_a_simple_bind_with_the_password()
    {
        using var temp = new TempDirectory();
        await using var fake = new FakeLdapServer(temp.Sub("fake"), FakeLdapServer.StartTlsMode.Refused);
        var error = await RefusalAsync(temp, fake, new(_insecureFlags) { ["--ldap-url"] = fake.LdapUrl });
        Assert.Contains("offers no TLS", error, StringComparison.Ordinal);
        Assert.Contains("never sends the service account's password in clear", error, StringComparison.Ordinal);
        Assert.Contains("Kerberos", error, StringComparison.Ordinal);
        AssertNoPasswordInClear(fake);
    }

    [Fact]
    public async Task A_server_that_spoke_TLS_before_and_now_refuses_StartTLS_is_treated_as_an_attack()
    {
        using var temp = new TempDirectory();
        await using var fake = new FakeLdapServer(temp.Sub("fake"), FakeLdapServer.StartTlsMode.Refused);
        var error = await RefusalAsync(temp, fake, new(_insecureFlags) { ["--ldap-url"] = fake.LdapUrl }, agent =>
        {
            // What the agent itself records after a TLS session with this server (see ConnectionTests).
            var state = agent.ConfigPath + ".d";
            Directory.CreateDirectory(state);
            File.WriteAllText(Path.Combine(state, "tls-seen"), $"127.0.0.1:{fake.Port} 2026-11-30\n");
        });
        Assert.Contains("spoke TLS to this agent before (first on 2026-11-30)", error, StringComparison.Ordinal);
        Assert.Contains("stripping StartTLS", error, StringComparison.Ordinal);
        AssertNoPasswordInClear(fake);
    }
}
