using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using static JumpCloudAdi.Benchmarks.ProvisionBenchmark;

namespace JumpCloudAdi.Benchmarks;

/// <summary>
/// The backlog drain into the Samba AD DC (the integration tests' <see cref="SambaDc"/>, fixed ports 389/636: only one
/// may run on a machine, so wrap the run in <c>flock /tmp/jcadi-samba.lock</c>). Beside it, into a fresh DC each time:
/// <c>ldapadd -c</c> of the same <c>user</c> entries the agent adds (no passwords), then <c>ldapmodify</c> of their
/// <c>unicodePwd</c> (with the enable the agent makes with it); the agent's drain without passwords, and again with.
/// </summary>
internal static class SambaBenchmark
{
    private const string People = "OU=People," + SambaDc.BaseDn;
    private const string UserFilter = "(objectClass=user)";
    // Entries the agent enables once their password is set: a password set and not disabled.
    private const string WithPasswordFilter = "(&(objectClass=user)(pwdLastSet>=1)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))";
    private static readonly string PidFile = Path.Combine(Path.GetTempPath(), "jcadi-samba", "run", "samba.pid");

    public static async Task RunAsync(int users, bool passwords)
    {
        Console.WriteLine($"== samba: {users} users, each bound by its own association call before the agent starts, drained by the NativeAOT agent into a "
            + $"fresh Samba AD DC, beside ldapadd -c of the same user entries into a fresh DC (no passwords){(passwords ? ", then the same with passwords against ldapmodify of unicodePwd" : "")}; "
            + $"{PublishedControlPlane.Describe()}; {Environment.ProcessorCount} cores (run under flock /tmp/jcadi-samba.lock: one Samba per machine)");
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var ct = stop.Token;
        using var temp = new TempDirectory();

        var binary = await PublishAgentAsync(temp.Sub("aot"), ct);
        var controlPlaneDll = await PublishedControlPlane.PublishAsync(ct);
        var people = Enumerable.Range(0, users).Select(i => new User($"sb{i:D6}", "Samba", $"User{i:D6}")).ToList();
        var dc = new SambaDc();
        try
        {
            await dc.InitializeAsync();

            // Baselines, into a fresh DC: the agent's user entries, then their passwords (and the enable that comes with them).
            var add = await ToolAsync(dc, "ldapadd", AddLdif(people), users, UserFilter, ct);
            var password = await ToolAsync(dc, "ldapmodify", PasswordLdif(people), users, WithPasswordFilter, ct);
            // The same adds bound as the agent's own service account (delegated rights on the OU, not Domain Admins): what
            // the account's access checks cost Samba, apart from anything the agent does.
            await dc.RebuildAsync();
            var addAsService = await ToolAsync(dc, "ldapadd", AddLdif(people), users, UserFilter, ct, dc.BindUser, dc.BindPassword);

            await dc.RebuildAsync();
            var drain = await DrainAsync(dc, binary, controlPlaneDll, people, withPasswords: false, temp.Sub("plain"), ct);
            Print("no passwords", drain, add, users);
            Console.WriteLine($"   no passwords: ldapadd -c bound as the agent's service account ({dc.BindUser}) instead of the Administrator: "
                + $"{addAsService.Elapsed.TotalSeconds:0.00} s = {users / addAsService.Elapsed.TotalSeconds:0.0} users/s, Samba CPU per user {addAsService.SambaCpu * 1000 / users:0.00} ms");
            if (passwords)
            {
                await dc.RebuildAsync();
                var withPasswords = await DrainAsync(dc, binary, controlPlaneDll, people, withPasswords: true, temp.Sub("passwords"), ct);
                Print("with passwords", withPasswords, new Tool("ldapadd + ldapmodify unicodePwd", add.Elapsed + password.Elapsed, add.SambaCpu + password.SambaCpu,
                    add.Writes + password.Writes), users);
                Console.WriteLine($"   (ldapmodify of unicodePwd alone: {password.Elapsed.TotalSeconds:0.00} s = {users / password.Elapsed.TotalSeconds:0} users/s)");
            }
        }
        finally
        {
            await dc.DisposeAsync();
        }
    }

    private static void Print(string what, Drain drain, Tool baseline, int users)
    {
        var fromLease = users / (drain.AllDone - drain.Primary).TotalSeconds;
        var fromStart = users / drain.AllDone.TotalSeconds;
        var rate = users / baseline.Elapsed.TotalSeconds;
        double PerUser(double cpu) => cpu * 1000 / users;
        Console.WriteLine($"   {what}: agent started -> primary {drain.Primary.TotalSeconds:0.00} s, all {users} users done {drain.AllDone.TotalSeconds:0.00} s: "
            + $"{fromLease:0.0} users/s from the lease (the drain), {fromStart:0.0} users/s from process start");
        Console.WriteLine($"   {what}: {baseline.What} of the same {users} users into a fresh DC: {baseline.Elapsed.TotalSeconds:0.00} s = {rate:0.0} users/s");
        Console.WriteLine($"   {what}: ratio agent/baseline {fromLease / rate:0.00} (drain)   {fromStart / rate:0.00} (from process start)   (target >= 0.9)");
        Console.WriteLine($"   {what}: CPU per user: agent {PerUser(drain.AgentCpu):0.00} ms, Samba {PerUser(drain.SambaCpu):0.00} ms (baseline's Samba {PerUser(baseline.SambaCpu):0.00} ms), "
            + $"control plane {PerUser(drain.ControlPlaneCpu):0.00} ms (its own process); lease epoch {drain.EpochAtPrimary} -> {drain.EpochAtEnd}");
        Console.WriteLine($"   {what}: update sequence numbers per user (Samba's highestCommittedUSN; an add takes one, a modify one or more): agent {(double)drain.Writes / users:0.00}, "
            + $"baseline {(double)baseline.Writes / users:0.00} (searches not counted: Samba has no cn=Monitor)");
    }

    private sealed record Tool(string What, TimeSpan Elapsed, double SambaCpu, long Writes);

    /// <summary>Runs an OpenLDAP client tool with <c>-c</c> over LDAPS (as the Administrator unless told), then checks the result.</summary>
    private static async Task<Tool> ToolAsync(SambaDc dc, string tool, string ldif, int users, string check, CancellationToken ct,
        string bindDn = SambaDc.AdminDn, string password = SambaDc.AdminPassword)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jcadi-bench-{Guid.NewGuid():N}.ldif");
        await File.WriteAllTextAsync(path, ldif, ct);
        try
        {
            var pid = SambaPid();
            var usn = await HighestUsnAsync(dc);
            var cpu = ProcessStats.TreeCpuSeconds(pid);
            var watch = Stopwatch.StartNew();
            var result = await Processes.RunAsync(tool, ["-c", "-x", "-H", dc.LdapsUrl, "-D", bindDn, "-w", password, "-f", path],
                env: LdapTools.TlsEnv(dc.CaPath), timeout: TimeSpan.FromMinutes(30));
            var elapsed = watch.Elapsed;
            cpu = ProcessStats.TreeCpuSeconds(pid) - cpu;
            result.EnsureSuccess($"{tool} -c");
            var count = await CountAsync(dc, check);
            if (count != users)
            {
                throw new InvalidOperationException($"{tool} left {count} of {users} users matching {check}");
            }

            return new Tool($"{tool} -c", elapsed, cpu, await HighestUsnAsync(dc) - usn);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed record Drain(TimeSpan Primary, TimeSpan AllDone, double AgentCpu, double SambaCpu, double ControlPlaneCpu, long EpochAtPrimary, long EpochAtEnd,
        long Writes);

    private static async Task<Drain> DrainAsync(SambaDc dc, string binary, string controlPlaneDll, IReadOnlyList<User> people, bool withPasswords, string directory, CancellationToken ct)
    {
        var users = people.Count;
        await using var cp = await PublishedControlPlane.StartAsync(controlPlaneDll, Path.Combine(directory, "cp"));
        var domainId = await cp.CreateDomainAsync();
        var (_, key) = await cp.CreateConnectKeyAsync(domainId);
        using var agent = new NativeAgentProcess(binary, Path.Combine(directory, "agent"));
        try
        {
            await agent.InstallAsync(cp, dc, key);
            var ids = new string[users];
            await ParallelAsync(users, async i => ids[i] = await cp.Client.CreateUserAsync(people[i].Username, people[i].First, people[i].Last,
                withPasswords ? Password(i) : null), "users created", ct);
            await ParallelAsync(users, i => cp.BindUserAsync(domainId, ids[i]), "users bound", ct);

            // Polled every 20 ms over one LDAPS connection: the DC's update sequence number, which each add takes; once it has
            // moved by one per user, the users matching the filter are counted (again only after it moves further). Listing
            // OU=People every 250 ms with ldapsearch, as before, cost Samba a TLS handshake and a listing each time, counted
            // as the agent's and taken from its drain.
            using var observer = new SambaObserver(dc, Path.Combine(directory, "observer-ca"));
            var pid = SambaPid();
            var usn = observer.HighestUsn();
            var sambaCpu = ProcessStats.TreeCpuSeconds(pid);
            _ = await cp.Client.PrimaryAgentAsync(domainId); // its first call (compiled) before the CPU reading: it is polled below
            var controlPlaneCpu = cp.CpuSeconds();
            var deadline = TimeSpan.FromSeconds(Math.Max(600, users));
            var filter = withPasswords ? WithPasswordFilter : UserFilter;
            var start = Stopwatch.GetTimestamp();
            agent.Start();
            TimeSpan? primary = null;
            long epoch = 0;
            var countedAt = long.MinValue; // the USN at the last count
            while (true)
            {
                CheckAlive(agent);
                var elapsed = Stopwatch.GetElapsedTime(start);
                if (elapsed > deadline)
                {
                    throw new TimeoutException($"the backlog of {users} users was not drained into Samba after {elapsed.TotalSeconds:0} s");
                }

                if (primary is null && await cp.Client.PrimaryAgentAsync(domainId) is not null)
                {
                    primary = Stopwatch.GetElapsedTime(start);
                    epoch = await cp.LeaseEpochAsync(domainId);
                }

                var now = observer.HighestUsn();
                if (primary is not null && now - usn >= users && now > countedAt)
                {
                    countedAt = now;
                    if (observer.Count(People, filter) >= users)
                    {
                        break;
                    }
                }

                await Task.Delay(primary is null ? 50 : 20, ct);
            }

            var done = Stopwatch.GetElapsedTime(start);
            return new Drain(primary ?? done, done, ProcessStats.CpuSeconds(agent.Pid), ProcessStats.TreeCpuSeconds(pid) - sambaCpu,
                cp.CpuSeconds() - controlPlaneCpu, epoch, await cp.LeaseEpochAsync(domainId), observer.HighestUsn() - usn);
        }
        catch (Exception)
        {
            BacklogBenchmark.PrintLogs(agent, cp);
            throw;
        }
    }

    /// <summary>Entries under OU=People matching <paramref name="filter"/>: DNs only, paged (Samba returns at most 1,000 a page).</summary>
    private static async Task<int> CountAsync(SambaDc dc, string filter)
    {
        var result = await Processes.RunAsync("ldapsearch",
            ["-x", "-LLL", "-H", dc.LdapsUrl, "-D", SambaDc.AdminDn, "-w", SambaDc.AdminPassword, "-E", "pr=1000/noprompt", "-b", People, "-s", "one", filter, "1.1"],
            env: LdapTools.TlsEnv(dc.CaPath));
        result.EnsureSuccess($"ldapsearch {filter}");
        return result.Output.Split('\n').Count(l => l.StartsWith("dn: ", StringComparison.Ordinal));
    }

    /// <summary>The DC's highest committed update sequence number: every add or modify that commits takes the next one.</summary>
    private static async Task<long> HighestUsnAsync(SambaDc dc)
    {
        var result = await Processes.RunAsync("ldapsearch",
            ["-x", "-LLL", "-H", dc.LdapsUrl, "-D", SambaDc.AdminDn, "-w", SambaDc.AdminPassword, "-s", "base", "-b", "", "highestCommittedUSN"],
            env: LdapTools.TlsEnv(dc.CaPath));
        result.EnsureSuccess("ldapsearch highestCommittedUSN");
        var line = result.Output.Split('\n').First(l => l.StartsWith("highestCommittedUSN: ", StringComparison.Ordinal));
        return long.Parse(line["highestCommittedUSN: ".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static int SambaPid() =>
        int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);

    private static string Password(int i) => $"Bench!Passw0rd{i:D6}";

    private static string Dn(User u) => $"CN={u.DisplayName},{People}";

    /// <summary>The entries the agent's Active Directory writer adds (attributes and values; created disabled).</summary>
    private static string AddLdif(IEnumerable<User> users)
    {
        var text = new StringBuilder();
        foreach (var u in users)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                dn: {Dn(u)}
                objectClass: top
                objectClass: person
                objectClass: organizationalPerson
                objectClass: user
                sAMAccountName: {u.Username}
                userPrincipalName: {u.Username}@example.com
                displayName: {u.DisplayName}
                userAccountControl: 514
                givenName: {u.First}
                sn: {u.Last}
                mail: {u.Email}


                """);
        }

        return text.ToString();
    }

    /// <summary>Each user's password (<c>unicodePwd</c>) and the enable that follows it, as the agent writes them.</summary>
    private static string PasswordLdif(IReadOnlyList<User> users)
    {
        var text = new StringBuilder();
        for (var i = 0; i < users.Count; i++)
        {
            var encoded = Convert.ToBase64String(Encoding.Unicode.GetBytes($"\"{Password(i)}\""));
            text.Append(CultureInfo.InvariantCulture, $"""
                dn: {Dn(users[i])}
                changetype: modify
                replace: unicodePwd
                unicodePwd:: {encoded}
                -
                replace: userAccountControl
                userAccountControl: 512
                -


                """);
        }

        return text.ToString();
    }
}
