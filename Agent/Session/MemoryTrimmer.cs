using System.Runtime.InteropServices;

namespace JumpCloudAdi.Agent.Session;

/// <summary>
/// Gives memory back to the system once a burst of work is over: when the agent has allocated
/// <see cref="BurstBytes"/> since the last trim (or since it started) and then less than <see cref="QuietBytes"/> in one
/// <see cref="Period"/>, one aggressive full collection compacts the managed heap and decommits its free space, and
/// on Linux <c>malloc_trim</c> returns glibc's free pages (OpenSSL and libldap buffers). An idle agent is not
/// trimmed again; a busy one is not interrupted. A collection of the agent's few MiB of heap takes milliseconds.
/// The session also says when the agent has caught up (applied everything the control plane had when it sent the
/// last batch, and nothing more is queued): after a burst of at least <see cref="CaughtUpBytes"/> that trims at once,
/// instead of up to two periods later.
/// </summary>
internal sealed partial class MemoryTrimmer : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private const long QuietBytes = 1024 * 1024;
    private const long BurstBytes = 1024 * 1024;

    /// <summary>
    /// What a burst must have allocated for catching up to trim at once: more than steady streaming allocates between
    /// two periods, so that a trickle of single changes (each one catches up) is still trimmed by the timer alone.
    /// </summary>
    internal const long CaughtUpBytes = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Func<long> _allocated;

    private readonly ITimer _timer;
    private long _lastAllocated;
    private long _trimmedAt;

    /// <param name="allocated">Reads the bytes allocated since the process started (<see cref="GC.GetTotalAllocatedBytes"/>).</param>
    internal MemoryTrimmer(TimeSpan period, TimeProvider time, Func<long> allocated)
    {
        _allocated = allocated;
        _timer = time.CreateTimer(_ => Check(allocated()), null, period, period);
    }

    /// <summary>Starts checking every <see cref="Period"/> of <paramref name="time"/> until disposed.</summary>
    public static MemoryTrimmer Start(TimeProvider time) => new(Period, time, () => GC.GetTotalAllocatedBytes());

    public void Dispose() => _timer.Dispose();

    /// <summary>One check, given the bytes allocated since the process started; true when it trimmed.</summary>
    internal bool Check(long allocated)
    {
        lock (_lock)
        {
            var quiet = allocated - _lastAllocated < QuietBytes;
            _lastAllocated = allocated;
            if (!quiet || allocated - _trimmedAt < BurstBytes)
            {
                return false;
            }

            Trim();
            _trimmedAt = allocated;
            return true;
        }
    }

    /// <summary>The agent has caught up with the control plane (see the class remarks); true when it trimmed.</summary>
    public bool CaughtUp() => CaughtUp(_allocated());

    /// <summary>Catching up, given the bytes allocated since the process started; true when it trimmed.</summary>
    internal bool CaughtUp(long allocated)
    {
        lock (_lock)
        {
            if (allocated - _trimmedAt < CaughtUpBytes)
            {
                return false;
            }

            Trim();
            // The timer's next check sees no new burst (and no busy period) since this trim.
            (_trimmedAt, _lastAllocated) = (allocated, allocated);
            return true;
        }
    }

    private static void Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                // Not glibc (musl has no malloc_trim): the managed heap is trimmed all the same.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
