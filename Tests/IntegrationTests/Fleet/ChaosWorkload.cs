using JumpCloudAdi.IntegrationTests.Infrastructure;

namespace JumpCloudAdi.IntegrationTests.Fleet;

/// <summary>
/// A stream of about 2,000 change-log entries (users, passwords, groups, memberships) driven through the REST API,
/// with a hook to cause an outage part-way. Operations are retried while the control plane is down, so the desired
/// state is exactly what was asked for.
/// </summary>
internal sealed class ChaosWorkload(ControlPlaneClient api, string domainId)
{
    public const int Users = 300;
    public const int Groups = 20;
    public const int MembershipAdds = 600;
    public const int MembershipRemoves = 100;

    public DesiredState Desired { get; } = new();

    public async Task RunAsync(int chaosAt, Func<Task> chaos)
    {
        var step = 0;
        async Task Next()
        {
            if (++step == chaosAt)
            {
                await chaos();
            }
        }

        for (var i = 0; i < Users; i++)
        {
            var user = new DesiredState.User("", $"chaos{i:D4}", $"Chaos{i}", $"Tester{i}", $"Pw-{i:D4}-xY9!");
            var id = await RetryAsync(() => CreateOrFindUserAsync(user));
            Desired.Users[user.Username] = user with { Id = id };
            await RetryAsync(() => api.BindUserAsync(domainId, id));
            Desired.Changes++;
            await Next();
        }

        foreach (var user in Desired.Users.Values.ToList())
        {
            var password = user.Password.Replace("Pw-", "Pv-", StringComparison.Ordinal);
            await RetryAsync(() => api.SetPasswordAsync(user.Id, password));
            Desired.Users[user.Username] = user with { Password = password };
            Desired.Changes++;
            await Next();
        }

        for (var g = 0; g < Groups; g++)
        {
            var name = $"Chaos Group {g:D2}";
            var id = await RetryAsync(() => CreateOrFindGroupAsync(name));
            await RetryAsync(() => api.BindGroupAsync(domainId, id));
            Desired.Groups[name] = (id, []);
            Desired.Changes += 2;
            await Next();
        }

        var users = Desired.Users.Values.OrderBy(u => u.Username, StringComparer.Ordinal).ToList();
        var groups = Desired.Groups.Keys.Order(StringComparer.Ordinal).ToList();
        for (var m = 0; m < MembershipAdds; m++)
        {
            var user = users[(m * 7) % users.Count];
            var group = groups[m % groups.Count];
            await RetryAsync(() => api.AddMemberAsync(Desired.Groups[group].Id, user.Id));
            Desired.Groups[group].Members.Add(user.Username);
            Desired.Changes += 2;
            await Next();
        }

        for (var r = 0; r < MembershipRemoves; r++)
        {
            var group = groups[r % groups.Count];
            var member = Desired.Groups[group].Members.Order(StringComparer.Ordinal).First();
            await RetryAsync(() => api.AddMemberAsync(Desired.Groups[group].Id, Desired.Users[member].Id, "remove"));
            Desired.Groups[group].Members.Remove(member);
            Desired.Changes += 2;
            await Next();
        }
    }

    private async Task<string> CreateOrFindUserAsync(DesiredState.User user)
    {
        var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/systemusers",
            new { username = user.Username, email = $"{user.Username}@example.com", firstname = user.First, lastname = user.Last, password = user.Password });
        if (status == 200)
        {
            return body!["_id"]!.GetValue<string>();
        }

        // A retry after an outage: the first attempt may have committed.
        Assert.Equal(409, status);
        var found = await api.MustAsync(HttpMethod.Get, $"/api/systemusers?filter=username:eq:{user.Username}", null, 200);
        return found["results"]![0]!["_id"]!.GetValue<string>();
    }

    private async Task<string> CreateOrFindGroupAsync(string name)
    {
        var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/v2/usergroups", new { name });
        if (status == 201)
        {
            return body!["id"]!.GetValue<string>();
        }

        Assert.Equal(409, status);
        var found = await api.MustAsync(HttpMethod.Get, $"/api/v2/usergroups?filter=name:eq:{Uri.EscapeDataString(name)}", null, 200);
        return found[0]!["id"]!.GetValue<string>();
    }

    /// <summary>Retries an operation while the control plane is unreachable (restarting), up to a minute.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> operation)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static Task RetryAsync(Func<Task> operation) => RetryAsync(async () =>
    {
        await operation();
        return 0;
    });
}
