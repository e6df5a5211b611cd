using System.Text;
using System.Text.Json;
using JumpCloudAdi.ControlPlane.Agents;
using JumpCloudAdi.ControlPlane.Commands;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Hosting;
using JumpCloudAdi.ControlPlane.Passwords;
using JumpCloudAdi.ControlPlane.Security;
using JumpCloudAdi.ControlPlane.Sync;
using JumpCloudAdi.ControlPlane.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.ControlPlane.Commands;

/// <summary>
/// Every command with its real collaborators (EF Core, change log, domain sync, password vault, connect keys, agent
/// sessions) on a private in-memory SQLite database migrated by the real migrations, time faked, and two domains
/// (<see cref="DomainA"/>, <see cref="DomainB"/>) with nothing bound. Each command runs in a scope of its own, as a
/// request would.
/// </summary>
public sealed class CommandHost : IDisposable, IAsyncDisposable
{
    public const string DomainA = "aaaaaaaaaaaaaaaaaaaaaaaa";
    public const string DomainB = "bbbbbbbbbbbbbbbbbbbbbbbb";

    private readonly SqliteConnection _keeper;
    private readonly ServiceProvider _services;
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"jcadi-commands-{Guid.NewGuid():N}.key");
    private int _next;

    public CommandHost()
    {
        // A named shared-cache memory database lives as long as one connection to it is open.
        var connectionString = $"Data Source=commands-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        _keeper = new SqliteConnection(connectionString);
        _keeper.Open();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddControlPlaneDatabase(DatabaseProvider.Sqlite, connectionString);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ChangeNotifier>();
        services.AddSingleton<AgentCounters>();
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddSingleton<AgentSessions>();
        services.AddSingleton<AgentEvents>();
        services.AddOptions<ConnectKeysOptions>();
        services.AddOptions<PasswordsOptions>();
        services.AddOptions<PasswordPolicyOptions>();
        services.AddSingleton<IPasswordKeyProvider>(_ => FileKeyProvider.OpenOrCreate(_keyFile));
        services.AddScoped<ChangeLog>();
        services.AddScoped<DirectoryReach>();
        services.AddScoped<DomainSync>();
        services.AddScoped<Reconciler>();
        services.AddScoped<ConnectKeyService>();
        services.AddScoped<PasswordSync>();
        services.AddScoped<PasswordVault>();
        services.AddUserAndGroupCommands();
        services.AddDomainCommands();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        using var db = Db();
        db.Database.Migrate();
        var at = Time.GetUtcNow().AddDays(-1);
        db.Domains.Add(new AdDomain { Id = DomainA, Domain = "DC=a;DC=example", CreatedAt = at, UpdatedAt = at });
        db.Domains.Add(new AdDomain { Id = DomainB, Domain = "DC=b;DC=example", CreatedAt = at, UpdatedAt = at });
        db.SaveChanges();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public AgentSessions Sessions => _services.GetRequiredService<AgentSessions>();

    public ChangeNotifier Notifier => _services.GetRequiredService<ChangeNotifier>();

    /// <summary>Runs <typeparamref name="TCommand"/> in a fresh scope.</summary>
    public async Task<T> RunAsync<TCommand, T>(Func<TCommand, Task<T>> run)
        where TCommand : notnull
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var scope = _services.CreateAsyncScope();
        return await run(scope.ServiceProvider.GetRequiredService<TCommand>());
    }

    /// <summary>A context of its own, for arranging and checking outside the commands.</summary>
    public ControlPlaneDb Db() => _services.GetRequiredService<IDbContextFactory<ControlPlaneDb>>().CreateDbContext();

    public SystemUser AddUser(string username, string firstname = "Ada", string lastname = "Lovelace", string? email = null)
    {
        using var db = Db();
        var user = new SystemUser
        {
            Id = NextId(),
            Username = username,
            Email = email ?? $"{username}@example.org",
            Firstname = firstname,
            Lastname = lastname,
            Created = Time.GetUtcNow(),
        };
        db.Users.Add(user);
        db.SaveChanges();
        return user;
    }

    public UserGroup AddGroup(string name, params SystemUser[] members)
    {
        using var db = Db();
        var group = new UserGroup { Id = NextId(), Name = name };
        db.Groups.Add(group);
        db.GroupMembers.AddRange(members.Select(m => new GroupMember { GroupId = group.Id, UserId = m.Id }));
        db.SaveChanges();
        return group;
    }

    /// <summary>Binds a user or a group to a domain, as the graph association would (no change entries).</summary>
    public void Bind(string domainId, SystemUser user) => Bind(domainId, AssociationTypes.User, user.Id);

    public void Bind(string domainId, UserGroup group) => Bind(domainId, AssociationTypes.UserGroup, group.Id);

    /// <summary>The domain's change log as <c>Kind objectId</c> lines, in sequence order.</summary>
    public List<string> Entries(string domainId)
    {
        using var db = Db();
        return db.Changes.AsNoTracking().Where(c => c.DomainId == domainId).OrderBy(c => c.Seq).AsEnumerable()
            .Select(c => $"{c.Kind} {c.ObjectId}").ToList();
    }

    /// <summary>The payload of the domain's last entry (protobuf JSON), for a look at what it carries.</summary>
    public JsonElement LastPayload(string domainId)
    {
        using var db = Db();
        var entry = db.Changes.AsNoTracking().Where(c => c.DomainId == domainId).OrderByDescending(c => c.Seq).First();
        return JsonDocument.Parse(entry.Payload).RootElement.Clone();
    }

    /// <summary>The payload of the domain's last entry of <paramref name="kind"/>.</summary>
    public JsonElement LastPayloadOf(string domainId, string kind)
    {
        using var db = Db();
        var entry = db.Changes.AsNoTracking().Where(c => c.DomainId == domainId && c.Kind == kind).OrderByDescending(c => c.Seq).First();
        return JsonDocument.Parse(entry.Payload).RootElement.Clone();
    }

    /// <summary>Every row of every table, in a stable order: equal snapshots mean nothing was stored.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        var tables = new List<string>();
        using (var list = _keeper.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            text.Append("## ").AppendLine(table);
            var columns = new List<string>();
            using (var info = _keeper.CreateCommand())
            {
                info.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
                using var names = info.ExecuteReader();
                while (names.Read())
                {
                    columns.Add($"\"{names.GetString(0)}\"");
                }
            }

            using var select = _keeper.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY {string.Join(", ", columns)}";
            using var rows = select.ExecuteReader();
            while (rows.Read())
            {
                for (var i = 0; i < rows.FieldCount; i++)
                {
                    var value = rows.GetValue(i);
                    text.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    public void Dispose()
    {
        _services.Dispose();
        _keeper.Dispose();
        File.Delete(_keyFile);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Bind(string domainId, string type, string id)
    {
        using var db = Db();
        db.Associations.Add(new DomainAssociation { DomainId = domainId, TargetType = type, TargetId = id });
        db.SaveChanges();
    }

    // Ids in seeding order, distinct from the ones the commands make from the clock.
    private string NextId() => $"{++_next:x24}";
}

/// <summary>Assertions on command results.</summary>
public static class CommandAssert
{
    public static T Succeeded<T>(CommandResult<T> result)
    {
        Assert.True(result.Succeeded, $"the command failed: {result.Error}");
        return result.Value!;
    }

    public static CommandError Failed<T>(CommandResult<T> result, CommandErrorKind kind, string? field, string? status)
    {
        Assert.False(result.Succeeded, $"the command succeeded with {result.Value}");
        var error = result.Error!;
        Assert.Equal(kind, error.Kind);
        Assert.Equal(field, error.Field);
        Assert.Equal(status, error.Status);
        return error;
    }
}
