using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>Compares the whole managed part of slapd with the desired state.</summary>
internal static class DirectoryAssert
{
    private const string People = "ou=People,dc=example,dc=com";
    private const string GroupsOu = "ou=Groups,dc=example,dc=com";

    public static async Task ConvergesAsync(SlapdServer slapd, DesiredState desired, TimeSpan timeout, Func<string> diagnostics)
    {
        string difference = "";
        try
        {
            await Processes.WaitUntilAsync(async () => (difference = await DifferenceAsync(slapd, desired)).Length == 0, timeout, "directory equal to the desired state");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the directory did not converge: {difference}\n{diagnostics()}");
        }

        // Every password works for a bind.
        var failures = new List<string>();
        foreach (var user in desired.Users.Values)
        {
            if (!await slapd.CanBindAsync($"uid={user.Username},{People}", user.Password))
            {
                failures.Add(user.Username);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} users cannot bind with their latest password: {string.Join(", ", failures.Take(10))}\n{diagnostics()}");
    }

    private static async Task<string> DifferenceAsync(SlapdServer slapd, DesiredState desired)
    {
        var people = await slapd.SearchAsync(People, "(objectClass=inetOrgPerson)", "uid", "givenName", "sn");
        var uids = people.Select(p => p.First("uid")!).ToList();
        if (uids.Count != uids.Distinct(StringComparer.Ordinal).Count())
        {
            return $"duplicate users: {string.Join(", ", uids.GroupBy(u => u).Where(g => g.Count() > 1).Select(g => g.Key).Take(5))}";
        }

        var missing = desired.Users.Keys.Except(uids).ToList();
        var extra = uids.Except(desired.Users.Keys).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            return $"users missing {missing.Count} (e.g. {string.Join(", ", missing.Take(3))}), unexpected {extra.Count} (e.g. {string.Join(", ", extra.Take(3))})";
        }

        var wrong = people.Where(p => p.First("givenName") != desired.Users[p.First("uid")!].First || p.First("sn") != desired.Users[p.First("uid")!].Last).ToList();
        if (wrong.Count > 0)
        {
            return $"{wrong.Count} users with wrong names, e.g. {wrong[0].Dn}";
        }

        var groups = (await slapd.SearchAsync(GroupsOu, "(objectClass=groupOfNames)", "cn", "member"))
            .Where(g => g.First("cn") != "JumpCloud Groups").ToList();
        var names = groups.Select(g => g.First("cn")!).ToList();
        if (names.Count != desired.Groups.Count || names.Except(desired.Groups.Keys).Any())
        {
            return $"groups {string.Join(", ", names.Order())} instead of {string.Join(", ", desired.Groups.Keys.Order())}";
        }

        foreach (var group in groups)
        {
            var wanted = desired.Groups[group.First("cn")!].Members.Select(m => $"uid={m},{People}").ToHashSet(StringComparer.OrdinalIgnoreCase);
            var actual = group.All("member").Where(m => m.EndsWith(People, StringComparison.OrdinalIgnoreCase)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (!wanted.SetEquals(actual))
            {
                return $"{group.Dn}: {actual.Count} members instead of {wanted.Count}";
            }
        }

        return "";
    }
}
