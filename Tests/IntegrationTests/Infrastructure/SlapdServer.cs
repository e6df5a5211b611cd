using System.Diagnostics;

namespace JumpCloudAdi.IntegrationTests.Infrastructure;

/// <summary>
/// A private OpenLDAP on free ports (plain for setup, LDAPS for the agent) with a certificate from a private CA,
/// suffix dc=example,dc=com, memberof + refint + ppolicy overlays (ppolicy carries the account lock the agent uses
/// for suspended and disabled users). Ready in under a second; killed on dispose.
/// </summary>
public sealed class SlapdServer : IDirectoryServer, IAsyncLifetime
{
    public const string Suffix = "dc=example,dc=com";
    public const string AdminDn = "cn=admin,dc=example,dc=com";
    public const string AdminPassword = "slapd-admin-secret";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"jcadi-slapd-{Guid.NewGuid():N}");
    private Process? _process;
    private string? _config;
    private TestCertificates? _certificates;

    /// <summary>
    /// Adds the <c>cn=Monitor</c> backend (<c>database monitor</c>; slapd's default access: readable by all), whose
    /// <c>cn=Operations,cn=Monitor</c> counters tell how many operations of each kind slapd completed (benchmarks).
    /// </summary>
    public bool Monitor { get; init; }

    public int Port { get; private set; }
    public int SecurePort { get; private set; }
    public string LdapsUrl => $"ldaps://127.0.0.1:{SecurePort}";
    public string LdapUrl => $"ldap://127.0.0.1:{Port}";
    public string CaPath => _certificates!.CaPath;
    public string RootUserDn => "OU=People;DC=example;DC=com";
    public string SyncGroupDn => "CN=JumpCloud Groups;OU=Groups;DC=example;DC=com";
    public string BindUser => AdminDn;
    public string BindPassword => AdminPassword;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "db"));
        _certificates = TestCertificates.Create(Path.Combine(_directory, "tls"), "slapd");
        Port = Processes.FreePort();
        SecurePort = Processes.FreePort();
        var hash = (await Processes.RunAsync("slappasswd", ["-s", AdminPassword])).EnsureSuccess("slappasswd").Output.Trim();
        var schemas = string.Concat(new[] { "core", "cosine", "nis", "inetorgperson" }.Select(s => $"include /etc/ldap/schema/{s}.schema\n"));
        var config = Path.Combine(_directory, "slapd.conf");
        await File.WriteAllTextAsync(config, $"""
            {schemas}
            modulepath /usr/lib/ldap
            moduleload back_mdb
            moduleload memberof
            moduleload refint
            moduleload ppolicy
            pidfile {_directory}/slapd.pid
            TLSCACertificateFile {_certificates.CaPath}
            TLSCertificateFile {_certificates.CertPath}
            TLSCertificateKeyFile {_certificates.KeyPath}
            database mdb
            maxsize 1073741824
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {hash}
            directory {_directory}/db
            dbnosync
            index objectClass eq
            index uid,cn,mail,entryUUID eq
            index member eq
            overlay memberof
            memberof-group-oc groupOfNames
            memberof-member-ad member
            memberof-memberof-ad memberOf
            memberof-refint TRUE
            overlay refint
            refint_attributes member
            overlay ppolicy
            {(Monitor ? "database monitor" : "")}
            """);
        (await Processes.RunAsync("slaptest", ["-f", config, "-u"])).EnsureSuccess("slaptest");
        _config = config;
        await StartProcessAsync();
        await AddAsync($"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            o: Example
            dc: example

            dn: ou=People,{Suffix}
            objectClass: organizationalUnit
            ou: People

            dn: ou=Groups,{Suffix}
            objectClass: organizationalUnit
            ou: Groups

            dn: cn=JumpCloud Groups,ou=Groups,{Suffix}
            objectClass: groupOfNames
            cn: JumpCloud Groups
            member: {AdminDn}
            """);
    }

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo("slapd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-f", _config!, "-h", $"{LdapUrl}/ {LdapsUrl}/", "-d", "0" })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Processes.WaitUntilAsync(async () =>
            (await Processes.RunAsync("ldapsearch", ["-x", "-H", LdapUrl, "-b", "", "-s", "base", "namingContexts"])).ExitCode == 0,
            TimeSpan.FromSeconds(60), "slapd answering");
    }

    /// <summary>Stops the server (SIGKILL: an outage, not a shutdown); its data and ports stay for <see cref="RestartAsync"/>.</summary>
    public void Kill()
    {
        Processes.Stop(_process);
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same data and ports.</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>Adds LDIF over the plain setup port as the rootdn.</summary>
    public async Task AddAsync(string ldif) =>
        (await Processes.RunAsync("ldapadd", ["-x", "-H", LdapUrl, "-D", AdminDn, "-w", AdminPassword], stdin: ldif)).EnsureSuccess("ldapadd");

    /// <summary>Applies an LDIF change set over the plain setup port as the rootdn.</summary>
    public async Task ModifyAsync(string ldif) =>
        (await Processes.RunAsync("ldapmodify", ["-x", "-H", LdapUrl, "-D", AdminDn, "-w", AdminPassword], stdin: ldif)).EnsureSuccess("ldapmodify");

    public Task<List<LdapEntry>> SearchAsync(string baseDn, string filter, params string[] attributes) =>
        LdapTools.SearchAsync(LdapsUrl, CaPath, AdminDn, AdminPassword, baseDn, filter, "sub", attributes);

    public Task<bool> CanBindAsync(string who, string password) => LdapTools.CanBindAsync(LdapsUrl, CaPath, who, password);

    /// <summary>
    /// The operations slapd has completed so far, by kind (<c>Add</c>, <c>Search</c>, <c>Modify</c>, ...), from its
    /// monitor backend (<c>cn=Operations,cn=Monitor</c>; only with <see cref="Monitor"/>). Reading them is itself one
    /// search (counted in the next read) and one bind.
    /// </summary>
    public async Task<Dictionary<string, long>> OperationsAsync()
    {
        var entries = await LdapTools.SearchAsync(LdapsUrl, CaPath, AdminDn, AdminPassword, "cn=Operations,cn=Monitor", "(objectClass=*)", "one",
            ["cn", "monitorOpCompleted"]);
        return entries.ToDictionary(e => e.First("cn")!, e => long.Parse(e.First("monitorOpCompleted")!, System.Globalization.CultureInfo.InvariantCulture),
            StringComparer.OrdinalIgnoreCase);
    }

    public Task DisposeAsync()
    {
        Processes.Stop(_process);
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}
