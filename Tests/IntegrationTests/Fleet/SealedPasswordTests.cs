using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>
/// A password set through the API reaches the directory only sealed to the agents: with the most verbose logging on
/// both sides, the plaintext is in no log, in no file the control plane or the agents keep (the vault holds it
/// encrypted, its key-encryption key is only in the key file, and no unwrapped key is in the database), and the change
/// log never holds a sealed copy of the vault's passwords.
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

            // Three passwords each for three users: one given at creation (kept in the vault, delivered by the bind),
            // two set while bound. Every one goes through the vault and the sealed change stream.
            var passwords = new Dictionary<string, string>();
            var userIds = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var username = $"sealed.{i}";
                var created = $"Given-{RandomDigits()}-Cc3";
                var id = await api.CreateUserAsync(username, "Seal", $"Ed{i}", created);
                userIds.Add(id);
                await api.BindUserAsync(domainId, id);
                await Processes.WaitUntilAsync(() => slapd.CanBindAsync($"uid={username},{People}", created),
                    TimeSpan.FromSeconds(60), $"{username} binds with the password it was created with");
                var first = $"Plain-{RandomDigits()}-Aa1";
                await api.SetPasswordAsync(id, first);
                var second = $"Later-{RandomDigits()}-Bb2";
                await api.SetPasswordAsync(id, second);
                passwords[username] = second;
                passwords[$"{username} (first)"] = first;
                passwords[$"{username} (at creation)"] = created;
            }

            foreach (var (username, password) in passwords.Where(p => !p.Key.EndsWith(')')))
            {
                await Processes.WaitUntilAsync(() => slapd.CanBindAsync($"uid={username},{People}", password),
                    TimeSpan.FromSeconds(60), $"{username} binds with its latest password");
            }

            // The change log refers to the vault: no sealed copy is stored, before or after acknowledgement (one entry
            // per bind, two per user for the passwords set while bound).
            var database = controlPlane.DatabasePath;
            var passwordSets = await PasswordSetPayloadsAsync(database);
            Assert.Equal(9, passwordSets.Count);
            Assert.All(passwordSets, p => Assert.DoesNotContain("\"password\":", p, StringComparison.Ordinal));
            Assert.All(passwordSets, p => Assert.Contains("\"vaultVersion\":", p, StringComparison.Ordinal));

            // The vault: one entry per user, its latest password (version 3), opened only with the key file's key,
            // which is mode 0600 and outside the database.
            var keyFile = Path.Combine(controlPlane.Directory, "password-vault.key");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            var vault = await VaultEntriesAsync(database);
            Assert.Equal(userIds.Order(StringComparer.Ordinal), vault.Select(e => e.UserId).Order(StringComparer.Ordinal));
            var secrets = new Dictionary<string, byte[]>();
            using (var keys = FileKeyProvider.OpenOrCreate(keyFile))
            {
                foreach (var entry in vault)
                {
                    Assert.Equal(3, entry.Version);
                    var username = $"sealed.{userIds.IndexOf(entry.UserId)}";
                    Assert.Equal(passwords[username], Encoding.UTF8.GetString(PasswordVault.Open(keys, entry)));
                    secrets[$"the data key of {username}"] = keys.Unwrap(entry.KeyId, entry.WrappedKey, PasswordVault.AssociatedData(entry.UserId, entry.Version));
                    Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
                        PasswordVault.Open(keys, new PasswordVaultEntry { UserId = userIds[0] == entry.UserId ? userIds[1] : userIds[0], Version = entry.Version,
                            KeyId = entry.KeyId, WrappedKey = entry.WrappedKey, Ciphertext = entry.Ciphertext }));
                }
            }

            var keyText = (await File.ReadAllTextAsync(keyFile)).Trim();
            secrets["the key-encryption key"] = Convert.FromBase64String(keyText[(keyText.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            secrets["the key file's text"] = Encoding.ASCII.GetBytes(keyText[(keyText.IndexOf(' ', StringComparison.Ordinal) + 1)..]);

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
            foreach (var file in files.Where(f => !f.EndsWith("password-vault.key", StringComparison.Ordinal)))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                foreach (var (label, secret) in secrets)
                {
                    Assert.False(Contains(bytes, secret), $"{label} is in {file}");
                    Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(Convert.ToBase64String(secret))), $"{label} (base64) is in {file}");
                    Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(Convert.ToHexString(secret))), $"{label} (hex) is in {file}");
                }
            }

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

    private static async Task<List<PasswordVaultEntry>> VaultEntriesAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT UserId, Version, KeyId, WrappedKey, Ciphertext FROM PasswordVault";
        var entries = new List<PasswordVaultEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries.Add(new PasswordVaultEntry
            {
                UserId = reader.GetString(0),
                Version = reader.GetInt64(1),
                KeyId = reader.GetString(2),
                WrappedKey = (byte[])reader.GetValue(3),
                Ciphertext = (byte[])reader.GetValue(4),
            });
        }

        return entries;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>
    /// 30 random digits: unique enough to search every file for, and unable to spell a part of a user's name (a GUID's
    /// hex once spelled "ed2", which the password policy rightly refused for the user named Ed2).
    /// </summary>
    private static string RandomDigits() => string.Concat(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>("0123456789", 30));
}
