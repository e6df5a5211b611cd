using JumpCloudAdi.Agent.Directory;
using Microsoft.Extensions.Time.Testing;

namespace JumpCloudAdi.UnitTests.Agent.Directory;

public sealed class TlsHistoryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tls-history-" + Guid.NewGuid().ToString("N"));

    public TlsHistoryTests() => System.IO.Directory.CreateDirectory(_folder);

    public void Dispose() => System.IO.Directory.Delete(_folder, recursive: true);

    private string FilePath => Path.Combine(_folder, "tls-seen");

    [Fact]
    public void A_server_never_seen_has_no_history()
    {
        Assert.Null(new TlsHistory(FilePath, TimeProvider.System).SpokeTls("dc1.example.com", 389));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void A_recorded_server_is_remembered_by_a_new_instance_ignoring_host_case_but_not_the_port()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 23, 30, 0, TimeSpan.Zero));
        new TlsHistory(FilePath, clock).RecordTls("DC1.example.com", 389);
        var again = new TlsHistory(FilePath, TimeProvider.System);
        Assert.Equal(new DateOnly(2026, 3, 4), again.SpokeTls("dc1.EXAMPLE.com", 389));
        Assert.Null(again.SpokeTls("dc1.example.com", 3268));
    }

    [Fact]
    public void Recording_again_keeps_the_first_date_and_other_servers()
    {
        File.WriteAllText(FilePath, "dc1.example.com:389 2025-01-02\n");
        var history = new TlsHistory(FilePath, TimeProvider.System);
        history.RecordTls("dc1.example.com", 389);
        history.RecordTls("dc2.example.com", 389);
        Assert.Equal(new DateOnly(2025, 1, 2), history.SpokeTls("dc1.example.com", 389));
        Assert.NotNull(history.SpokeTls("dc2.example.com", 389));
    }

    [Fact]
    public void An_unreadable_line_still_counts_as_having_spoken_TLS()
    {
        File.WriteAllText(FilePath, "dc1.example.com:389 not-a-date\n");
        Assert.NotNull(new TlsHistory(FilePath, TimeProvider.System).SpokeTls("dc1.example.com", 389));
    }

    [Fact]
    public void The_file_is_readable_by_the_owner_only()
    {
        new TlsHistory(FilePath, TimeProvider.System).RecordTls("dc1.example.com", 636);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        }
    }
}
