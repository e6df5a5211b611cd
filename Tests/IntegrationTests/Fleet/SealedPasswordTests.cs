using System.Text;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>
/// A password set through the API reaches the directory only sealed to the agents: with the most verbose logging on
/// both sides, the plaintext is in no log, in no file the control plane or the agents keep, and the sealed copies are
/// gone from the change log once acknowledged.
/// </summary>
public sealed class SealedPasswordTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private const string People = "ou=People,dc=example,dc=com";

    [Fact]
    public async Task Passwords_are_in_no_log_and_no_file_and_their_sealed_copies_are_erased_once_acknowledged()
    {
        using var temp = new TempDirectory();
        using var controlPlane = new ControlPlaneProcess(temp.Sub("cp"), logLevel: "Trace");
        await controlPlane.StartAsync();
        var api = controlPlane.Client;
        var domainId = await api.CreateDomainAsync();
        var agents = new List<AgentProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var (_, key) = await api.CreateConnectKeyAsync(domainId);
                var agent = new AgentProcess(temp.Sub($"agent{i}"));
                await agent.InstallAsync(controlPlane.Url, controlPlane.Certificates.CaPath, slapd, key);
                agents.Add(agent.Start("--verbose"));
            }

            await Processes.WaitUntilAsync(async () => (await api.AgentsAsync(domainId)).All(a => a!["state"]!.GetValue<string>() == "active")
                                                       && await api.PrimaryAgentAsync(domainId) is not null,
                TimeSpan.FromSeconds(60), "both agents connected, one primary");

            // Two passwords each for three bound users: every one goes through the sealed change stream.
            var passwords = new Dictionary<string, string>();
            for (var i = 0; i < 3; i++)
            {
                var username = $"sealed.{i}";
                var id = await api.CreateUserAsync(username, "Seal", $"Ed{i}");
                await api.BindUserAsync(domainId, id);
                var first = $"Plain-{RandomDigits()}-Aa1";
                await api.SetPasswordAsync(id, first);
                var second = $"Later-{RandomDigits()}-Bb2";
                await api.SetPasswordAsync(id, second);
                passwords[username] = second;
                passwords[$"{username} (first)"] = first;
            }

            foreach (var (username, password) in passwords.Where(p => !p.Key.EndsWith("(first)", StringComparison.Ordinal)))
            {
                await Processes.WaitUntilAsync(() => slapd.CanBindAsync($"uid={username},{People}", password),
                    TimeSpan.FromSeconds(60), $"{username} binds with its latest password");
            }

            // Every sealed copy is erased once acknowledged (the fact of the change stays).
            var database = Path.Combine(controlPlane.Directory, "controlplane.db");
            var passwordSets = new List<string>();
            await Processes.WaitUntilAsync(async () =>
            {
                passwordSets = await PasswordSetPayloadsAsync(database);
                return passwordSets.Count == 6 && passwordSets.All(p => !p.Contains("\"password\":", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(30), "the sealed copies erased from the change log");

            await Processes.WaitUntilAsync(() => Task.FromResult(agents.Any(a => a.Log.Contains("Applied changes", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(30), "the primary's log of the applied batches");

            // Stop everything abruptly (what is on disk is what an attacker gets), then search it all.
            controlPlane.Kill();
            foreach (var agent in agents)
            {
                agent.Kill();
            }

            var logs = new Dictionary<string, string> { ["control plane log"] = controlPlane.Log };
            for (var i = 0; i < agents.Count; i++)
            {
                logs[$"agent{i} log"] = agents[i].Log;
            }

            Assert.True(controlPlane.Log.Length > 10_000, "the control plane logged at Trace level (the search must cover something)");
            var files = Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories).ToList();
            Assert.Contains(files, f => f.EndsWith("controlplane.db", StringComparison.Ordinal));
            foreach (var (label, password) in passwords)
            {
                foreach (var (name, log) in logs)
                {
                    Assert.False(log.Contains(password, StringComparison.Ordinal), $"the password of {label} is in the {name}");
                }

                foreach (var file in files)
                {
                    var bytes = await File.ReadAllBytesAsync(file);
                    Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(password)), $"the password of {label} is in {file}");
                    Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(password)), $"the password of {label} is in {file} (UTF-16)");
                }
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }
        }
    }

    private static async Task<List<string>> PasswordSetPayloadsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Payload FROM Changes WHERE Kind = 'PasswordSet'";
        var payloads = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            payloads.Add(reader.GetString(0));
        }

        return payloads;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>
    /// 30 random digits: unique enough to search every file for, and unable to spell a part of a user's name (a GUID's
    /// hex once spelled "ed2", which the password policy rightly refused for the user named Ed2).
    /// </summary>
    private static string RandomDigits() => string.Concat(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>("0123456789", 30));
}
