using System.Text;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static JumpCloudAdi.IntegrationTests.AgentBehaviour.Changes;

namespace JumpCloudAdi.IntegrationTests.AgentBehaviour;

/// <summary>
/// Key rotation of the password vault (<c>JumpCloudAdi.ControlPlane rotate-password-key</c>, its own process, as
/// operators run it) killed with SIGKILL midway and run again: nothing is lost, the running control plane opens entries
/// under either key meanwhile and wraps new ones under the new key, and once the rotation is done every user binds on
/// the Samba AD DC with the password the re-wrapped vault delivers.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SambaPasswordKeyRotationTests(SambaDc samba)
{
    private const int Users = 12;

    private static string Password() => $"Rot!{Guid.NewGuid().ToString("N")[..10]}7Qq";

    [Fact]
    public async Task A_key_rotation_killed_midway_and_resumed_loses_nothing_and_every_user_binds()
    {
        await using var h = await AgentHarness.StartAsync(samba);
        var keyFile = Path.Combine(h.ControlPlane.Directory, "password-vault.key");
        var users = new List<(string Id, string Sam, string Password)>();
        for (var i = 0; i < Users; i++)
        {
            var (sam, password) = (Unique($"kr{i}"), Password());
            users.Add((await h.ControlPlane.Client.CreateUserAsync(sam, "Key", $"Rotation{i}", password), sam, password));
        }

        var oldKey = KeyIdsOf(keyFile).Single();
        Assert.All(await EntriesAsync(h), e => Assert.Equal(oldKey, e.KeyId));

        // First run: killed once it has re-wrapped a few entries (4 per second, so it is far from done).
        using (var first = StartRotation(h, "--max-per-second", "4"))
        {
            await Processes.WaitUntilAsync(() => Task.FromResult(first.Output.Contains($"Re-wrapped 3 of {Users}.", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), () => $"the rotation's progress ({first.Output})");
            first.Kill();
        }

        // Midway: both key versions in the file, the new one current; entries under each.
        var keys = KeyIdsOf(keyFile);
        Assert.Equal(2, keys.Count);
        Assert.Equal(oldKey, keys[0]);
        var newKey = keys[1];
        var midway = await EntriesAsync(h);
        Assert.Contains(midway, e => e.KeyId == oldKey);
        Assert.Contains(midway, e => e.KeyId == newKey);
        AssertEveryEntryOpens(keyFile, midway, users);

        // Meanwhile the running control plane opens entries under either key (bound now: delivered from the vault)
        // and stores a new password under the new key.
        var rewrapped = users.First(u => midway.Single(e => e.UserId == u.Id).KeyId == newKey);
        var notYet = users.First(u => midway.Single(e => e.UserId == u.Id).KeyId == oldKey);
        await h.ControlPlane.BindUserAsync(h.DomainId, rewrapped.Id);
        await h.ControlPlane.BindUserAsync(h.DomainId, notYet.Id);
        await BindsAsync(h, rewrapped.Sam, rewrapped.Password);
        await BindsAsync(h, notYet.Sam, notYet.Password);
        var changed = users.Last(u => u.Id != rewrapped.Id && u.Id != notYet.Id);
        users[users.IndexOf(changed)] = changed = changed with { Password = Password() };
        await h.ControlPlane.Client.SetPasswordAsync(changed.Id, changed.Password);
        Assert.Equal(newKey, (await EntriesAsync(h)).Single(e => e.UserId == changed.Id).KeyId);

        // Second run: resumes (no third key), finishes, and destroys the old version.
        using (var second = StartRotation(h))
        {
            var exit = await second.WaitAsync();
            Assert.True(exit == 0, $"the resumed rotation exited with {exit}: {second.Output}");
            Assert.Contains($"Resuming the rotation to key {newKey}", second.Output, StringComparison.Ordinal);
            Assert.Contains($"Done: every entry is under key {newKey}", second.Output, StringComparison.Ordinal);
        }

        Assert.Equal([newKey], KeyIdsOf(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var after = await EntriesAsync(h);
        Assert.Equal(Users, after.Count);
        Assert.All(after, e => Assert.Equal(newKey, e.KeyId));
        AssertEveryEntryOpens(keyFile, after, users);

        // Every user binds: the others are bound only now, so their passwords come from the re-wrapped vault.
        foreach (var user in users.Where(u => u.Id != rewrapped.Id && u.Id != notYet.Id))
        {
            await h.ControlPlane.BindUserAsync(h.DomainId, user.Id);
        }

        foreach (var user in users)
        {
            await BindsAsync(h, user.Sam, user.Password);
        }
    }

    private async Task BindsAsync(AgentHarness h, string sam, string password) =>
        await Processes.WaitUntilAsync(() => samba.CanBindAsync($"{sam}@example.com", password), TimeSpan.FromSeconds(60),
            () => $"{sam} binds with its password (agent log: {h.Agent.Log})");

    private static void AssertEveryEntryOpens(string keyFile, List<PasswordVaultEntry> entries, List<(string Id, string Sam, string Password)> users)
    {
        using var keys = FileKeyProvider.OpenOrCreate(keyFile);
        foreach (var entry in entries)
        {
            Assert.Equal(users.Single(u => u.Id == entry.UserId).Password, Encoding.UTF8.GetString(PasswordVault.Open(keys, entry)));
        }
    }

    private static List<string> KeyIdsOf(string keyFile)
    {
        using var keys = FileKeyProvider.OpenOrCreate(keyFile);
        return [.. keys.KeyIds];
    }

    private static async Task<List<PasswordVaultEntry>> EntriesAsync(AgentHarness h)
    {
        await using var db = await h.ControlPlane.Services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContextAsync();
        return await db.PasswordVault.AsNoTracking().ToListAsync();
    }

    private static RotationProcess StartRotation(AgentHarness h, params string[] extra) =>
        new([.. extra, "--Data:Directory", h.ControlPlane.Directory, "--Database:Provider", h.ControlPlane.Provider.ToString(),
            "--ConnectionStrings:ControlPlane", h.ControlPlane.ConnectionString]);
}
