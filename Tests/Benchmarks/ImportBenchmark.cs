using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// The one-time import: N users, direct members of the ADI group, seeded with <c>ldapadd</c> into a private slapd and
/// into the Samba AD DC (the integration tests' <see cref="SambaDc"/>: fixed ports, one per machine, so run under
/// <c>flock /tmp/jcadi-samba.lock</c>), then <c>import --once</c> of the agent (as <c>dotnet</c> runs it) into a fresh
/// control plane, timed from the agent's start to the control plane holding all N users.
/// </summary>
internal static class ImportBenchmark
{
    public static async Task RunAsync(int users, int sambaUsers)
    {
        Console.WriteLine($"== import: {users} users in the ADI group of a private slapd and {sambaUsers} in the Samba AD DC's (seeded with ldapadd), "
            + $"each imported by one `import --once` of the agent into a fresh control plane (SQLite); users/s from the agent's start to the "
            + $"control plane holding all of them; {Environment.ProcessorCount} cores (Samba: run under flock /tmp/jcadi-samba.lock)");
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var ct = stop.Token;
        using var temp = new TempDirectory();

        if (users > 0)
        {
            var slapd = new SlapdServer();
            try
            {
                await slapd.InitializeAsync();
                var seed = Stopwatch.StartNew();
                await slapd.AddAsync(SlapdLdif(users));
                Console.WriteLine($"   slapd: seeded {users} users and the ADI group with ldapadd in {seed.Elapsed.TotalSeconds:0.0} s");
                await ImportAsync("slapd", slapd, "CN=ImportBench;OU=Groups;DC=example;DC=com", users, temp.Sub("slapd"), ct);
            }
            finally
            {
                await slapd.DisposeAsync();
            }
        }

        if (sambaUsers > 0)
        {
            var samba = new SambaDc();
            try
            {
                await samba.InitializeAsync();
                var seed = Stopwatch.StartNew();
                await SambaSeedAsync(samba, sambaUsers, temp.Sub("samba.ldif"), ct);
                Console.WriteLine($"   samba: seeded {sambaUsers} users and the ADI group with ldapadd in {seed.Elapsed.TotalSeconds:0.0} s "
                    + $"({sambaUsers / seed.Elapsed.TotalSeconds:0} users/s: Samba's own add rate)");
                await ImportAsync("samba", samba, "CN=ImportBench;OU=Groups;DC=example;DC=com", sambaUsers, temp.Sub("samba"), ct);
            }
            finally
            {
                await samba.DisposeAsync();
            }
        }
    }

    private static async Task ImportAsync(string what, IDirectoryServer directory, string groupDn, int users, string folder, CancellationToken ct)
    {
        await using var cp = await ControlPlaneHost.StartAsync(Path.Combine(folder, "cp"));
        var domainId = await cp.CreateDomainAsync();
        await cp.MustAsync(HttpMethod.Patch, $"/api/v2/activedirectories/{domainId}", new { useCase = "TWOWAYSYNC" }, 200);
        var key = await cp.MustAsync(HttpMethod.Post, $"/api/v2/activedirectories/{domainId}/agents", new { agentType = "IMPORT" }, 201);
        using var agent = new AgentProcess(Path.Combine(folder, "agent"));
        var options = new Dictionary<string, string?> { ["--agent-type"] = "import", ["--sync-group-dn"] = null, ["--import-group-dn"] = groupDn };
        (await agent.TryInstallAsync(cp, directory, key["connectKey"]!.GetValue<string>(), options)).EnsureSuccess("import agent install");

        var selfCpu = ProcessStats.CpuSeconds(Environment.ProcessId);
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var run = await Processes.RunAsync("dotnet", [AgentProcess.AgentDll, "import", "--config", agent.ConfigPath, "--once"], timeout: TimeSpan.FromMinutes(30));
        var elapsed = watch.Elapsed;
        selfCpu = ProcessStats.CpuSeconds(Environment.ProcessId) - selfCpu;
        run.EnsureSuccess("import --once");
        await using var scope = cp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDb>();
        var imported = await db.Users.CountAsync(u => u.ExternallyManaged, ct);
        if (imported != users)
        {
            throw new InvalidOperationException($"{what}: the control plane holds {imported} imported users, not {users}: {run.Output}");
        }

        var last = (await db.ImportRuns.AsNoTracking().ToListAsync(ct)).MaxBy(r => r.Id)!;
        var received = (last.At - started).TotalSeconds;
        Console.WriteLine($"   {what}: import --once of {users} users (created {last.Created}) in {elapsed.TotalSeconds:0.00} s = {users / elapsed.TotalSeconds:0} users/s "
            + $"from the agent's start to all {users} in the control plane (report received after {received:0.00} s: agent start, checks, enrollment, "
            + $"read; then one transaction of {users} user commands and the agent's exit in {elapsed.TotalSeconds - received:0.00} s); control plane CPU "
            + $"{selfCpu:0.0} s ({selfCpu * 1000 / users:0.00} ms per user, in this process)");
    }

    private static string Name(int i) => $"im{i:D6}";

    /// <summary>N inetOrgPerson users under ou=People and one groupOfNames in ou=Groups listing them all.</summary>
    private static string SlapdLdif(int users)
    {
        var text = new StringBuilder();
        for (var i = 0; i < users; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                dn: uid={Name(i)},ou=People,dc=example,dc=com
                objectClass: inetOrgPerson
                uid: {Name(i)}
                cn: Import User{i:D6}
                givenName: Import
                sn: User{i:D6}
                mail: {Name(i)}@example.com
                title: Engineer


                """);
        }

        text.Append("dn: cn=ImportBench,ou=Groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: ImportBench\n");
        for (var i = 0; i < users; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"member: uid={Name(i)},ou=People,dc=example,dc=com\n");
        }

        return text.Append('\n').ToString();
    }

    /// <summary>N enabled users (no password needed) under OU=People and one security group listing them, by ldapadd -c over LDAPS.</summary>
    private static async Task SambaSeedAsync(SambaDc samba, int users, string path, CancellationToken ct)
    {
        var text = new StringBuilder();
        for (var i = 0; i < users; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                dn: CN=Import User{i:D6},OU=People,{SambaDc.BaseDn}
                objectClass: user
                sAMAccountName: {Name(i)}
                userPrincipalName: {Name(i)}@example.com
                givenName: Import
                sn: User{i:D6}
                mail: {Name(i)}@example.com
                title: Engineer
                userAccountControl: 544


                """);
        }

        text.Append(CultureInfo.InvariantCulture, $"dn: CN=ImportBench,OU=Groups,{SambaDc.BaseDn}\nobjectClass: group\nsAMAccountName: ImportBench\ngroupType: -2147483646\n");
        for (var i = 0; i < users; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"member: CN=Import User{i:D6},OU=People,{SambaDc.BaseDn}\n");
        }

        await File.WriteAllTextAsync(path, text.Append('\n').ToString(), ct);
        var result = await Processes.RunAsync("ldapadd", ["-c", "-x", "-H", samba.LdapsUrl, "-D", SambaDc.AdminDn, "-w", SambaDc.AdminPassword, "-f", path],
            env: LdapTools.TlsEnv(samba.CaPath), timeout: TimeSpan.FromMinutes(30));
        result.EnsureSuccess("ldapadd -c (Samba seed)");
    }
}
