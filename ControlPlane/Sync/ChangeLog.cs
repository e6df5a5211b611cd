using Google.Protobuf;
using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using JumpCloudAdi.ControlPlane.Telemetry;

namespace JumpCloudAdi.ControlPlane.Sync;

/// <summary>
/// The transactional outbox: an admin operation runs in one database transaction (<see cref="RunAsync"/>), appends
/// change entries next to its model change, and <see cref="CommitAsync"/> commits both atomically, then wakes the
/// domain's agents. An operation that returns without committing leaves nothing behind.
/// In a dry run (<see cref="DryRunner"/>) the same operation runs inside a transaction that is always rolled back: a
/// "commit" only saves (so later queries of the operation see its changes) and records the entries it appended in
/// <see cref="Preview"/>; nothing is committed, no agent is woken and no after-commit action runs.
/// An operation run inside another one of the same scope (a command an import run calls) joins its transaction
/// (<see cref="RunAsync"/>): its commit only saves, and its entries and after-commit actions wait for the outer commit.
/// </summary>
public sealed class ChangeLog(ControlPlaneDb db, ChangeNotifier notifier, TimeProvider time, ControlPlaneMetrics metrics)
{
    private const int MaxAttempts = 8;
    private const string Attempt = "jcadi_dry_run_attempt";
    private readonly Dictionary<string, int> _touched = [];
    private readonly HashSet<string> _locked = [];
    private readonly List<Action> _afterCommit = [];
    private readonly List<(string DomainId, PreviewEntry Entry)> _pending = [];
    private readonly List<(string DomainId, PreviewEntry Entry)> _preview = [];
    // Appended entries not written yet: written together, a few multi-row statements, with the next save or commit.
    private readonly List<ChangeEntry> _rows = [];
    private IDbContextTransaction? _transaction;
    private bool _dryCommitted;
    private int _depth; // operations running: 1 inside RunAsync, more for the joined ones
    private bool _joinCommitted;

    /// <summary>True while a dry run is on (see <see cref="DryRunner"/>): nothing this scope does is committed.</summary>
    public bool DryRun { get; private set; }

    /// <summary>What the dry run's operations would have committed: each appended entry with its domain, in order.</summary>
    public IReadOnlyList<(string DomainId, PreviewEntry Entry)> Preview => _preview;

    /// <summary>Switches this scope's change log to a dry run; the caller holds the outer transaction and rolls it back.</summary>
    internal void BeginDryRun()
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A dry run needs an open transaction that its caller rolls back.");
        }

        DryRun = true;
    }

    /// <summary>
    /// While set, entries it answers true for (domain, change) are not appended: an import run's own domain already
    /// holds what they would say about the users it imports (<see cref="Import.ImportProcessor"/>).
    /// </summary>
    public Func<string, Change, bool>? Suppress { get; set; }

    /// <summary>
    /// Appends <paramref name="change"/> to the log of one domain: numbered now, written with the next save or commit
    /// (all appended entries together, see <see cref="BulkRows"/>).
    /// </summary>
    public async Task AppendAsync(string domainId, Change change, CancellationToken ct)
    {
        if (Suppress?.Invoke(domainId, change) == true)
        {
            return;
        }

        var domain = await db.Domains.FindAsync([domainId], ct)
            ?? throw new InvalidOperationException($"Domain {domainId} does not exist.");
        if (_locked.Add(domainId))
        {
            // Writers to one domain queue here until this transaction ends (PostgreSQL; SQLite serializes writers anyway).
            await ChangeSequence.LockAsync(db, domain, ct);
        }

        domain.LastSeq++;
        change.Seq = domain.LastSeq;
        if (DryRun)
        {
            _pending.Add((domainId, ChangeSummary.Describe(change, await LastMembersAsync(domainId, change, ct))));
        }

        // The entry remembers the trace of the operation that appended it; the batch carries it to the agent.
        using var span = ControlPlaneTelemetry.Source.StartActivity("changelog.append");
        span?.SetTag("jcadi.domain", domainId);
        span?.SetTag("jcadi.seq", change.Seq);
        span?.SetTag("jcadi.change.kind", change.KindCase.ToString());
        _rows.Add(new ChangeEntry
        {
            DomainId = domainId,
            Seq = change.Seq,
            Kind = change.KindCase.ToString(),
            ObjectId = History.ChangeObjects.IdOf(change),
            Payload = JsonFormatter.Default.Format(change),
            CreatedAt = time.GetUtcNow(),
            TraceParent = span is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } ? span.Id : null,
        });
        _touched[domainId] = _touched.GetValueOrDefault(domainId) + 1;
    }

    /// <summary>
    /// Runs <paramref name="action"/> once the operation has committed (disconnecting a deleted agent's session, waking
    /// a domain): never for an operation that ends without committing, nor in a dry run.
    /// </summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>Saves pending model changes inside the open transaction, so later queries of the operation see them.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await FlushAsync(ct);
    }

    /// <summary>Writes the appended entries (after the model changes, which carry the domains' new <c>LastSeq</c>).</summary>
    private async Task FlushAsync(CancellationToken ct)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        await BulkRows.InsertAsync(db, _rows, ct);
        _rows.Clear();
    }

    /// <summary>Saves the unit of work and its change entries, commits, then wakes the touched domains' agents.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await SaveAsync(ct);
        if (_depth > 1)
        {
            // A joined operation: the outer one commits (or not) what it saved, and then wakes and acts for both.
            _joinCommitted = true;
            return;
        }

        if (DryRun)
        {
            // Saved inside the outer transaction, which is rolled back; only the preview is kept.
            _preview.AddRange(_pending);
            _dryCommitted = true;
            _pending.Clear();
            _touched.Clear();
            _afterCommit.Clear();
            return;
        }

        if (_transaction is not null)
        {
            await _transaction.CommitAsync(ct);
            await _transaction.DisposeAsync();
            _transaction = null;
        }

        foreach (var (domainId, appended) in _touched)
        {
            metrics.Appended(domainId, appended);
            notifier.Signal(domainId);
        }

        _touched.Clear();
        var actions = _afterCommit.ToList();
        _afterCommit.Clear();
        foreach (var action in actions)
        {
            action();
        }
    }

    /// <summary>
    /// Runs a whole read-modify-commit operation in one transaction, starting over on a write conflict (two replicas
    /// raced for the same domain's next sequence number). Nothing of a failed or uncommitted attempt is kept. In a dry
    /// run each attempt is a savepoint of the outer transaction instead.
    /// Called while another operation of this scope runs, it joins that one's transaction (<see cref="JoinAsync"/>).
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        if (_depth > 0)
        {
            return await JoinAsync(operation, ct);
        }

        for (var attempt = 1; ; attempt++)
        {
            _dryCommitted = false;
            if (DryRun)
            {
                await db.Database.CurrentTransaction!.CreateSavepointAsync(Attempt, ct);
            }
            else
            {
                _transaction = await db.Database.BeginTransactionAsync(ct);
            }

            try
            {
                _depth = 1;
                return await operation();
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
            }
            finally
            {
                _depth = 0;
                if (_transaction is not null)
                {
                    await _transaction.RollbackAsync(CancellationToken.None);
                    await _transaction.DisposeAsync();
                    _transaction = null;
                }

                if (DryRun && !_dryCommitted)
                {
                    await db.Database.CurrentTransaction!.RollbackToSavepointAsync(Attempt, CancellationToken.None);
                }

                _touched.Clear();
                _locked.Clear();
                _afterCommit.Clear();
                _pending.Clear();
                _rows.Clear();
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> inside the running operation's transaction, from a savepoint. Its commit only
    /// saves: its entries count, its domains are woken and its after-commit actions run when the outer operation
    /// commits, and not at all if that one does not. If it ends without committing (a command that refuses), it leaves
    /// nothing: the savepoint is rolled back, and what it added, changed or appended is dropped from this scope too,
    /// so the outer operation goes on as before it. An exception goes to the outer operation, which keeps nothing
    /// (a write conflict starts the whole outer operation over).
    /// </summary>
    private async Task<T> JoinAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        // What the outer operation did so far is saved first: the savepoint keeps it whatever this one does.
        await SaveAsync(ct);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("A joined operation needs the outer operation's transaction.");
        var savepoint = $"jcadi_join_{_depth}";
        await transaction.CreateSavepointAsync(savepoint, ct);
        var (touched, locked, afterCommit, pending, outerCommitted) =
            (new Dictionary<string, int>(_touched), _locked.ToHashSet(), _afterCommit.Count, _pending.Count, _joinCommitted);
        var saved = false;
        void OnSaved(object? sender, SavedChangesEventArgs e) => saved = true;
        db.SavedChanges += OnSaved;
        _depth++;
        _joinCommitted = false;
        try
        {
            var result = await operation();
            if (!_joinCommitted)
            {
                await transaction.RollbackToSavepointAsync(savepoint, CancellationToken.None);
                await ForgetTrackedChangesAsync(savedSince: saved);
                _touched.Clear();
                foreach (var (domainId, count) in touched)
                {
                    _touched[domainId] = count;
                }

                _locked.IntersectWith(locked); // a lock taken after the savepoint went with it (PostgreSQL)
                _afterCommit.RemoveRange(afterCommit, _afterCommit.Count - afterCommit);
                _pending.RemoveRange(pending, _pending.Count - pending);
                _rows.Clear(); // none were waiting at the savepoint
            }

            await transaction.ReleaseSavepointAsync(savepoint, CancellationToken.None);
            return result;
        }
        finally
        {
            db.SavedChanges -= OnSaved;
            _depth--;
            _joinCommitted = outerCommitted;
        }
    }

    /// <summary>
    /// After a rollback to a savepoint taken with nothing unsaved: the tracked entities go back to the rows as they are
    /// again. Added ones are dropped; changed ones get their original values back, or, if something was saved since
    /// the savepoint (so the original values are what the rollback undid), are read again.
    /// </summary>
    private async Task ForgetTrackedChangesAsync(bool savedSince)
    {
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (entry.State == EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }
            else if (savedSince)
            {
                await entry.ReloadAsync(CancellationToken.None); // detached if its row is gone
            }
            else if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                entry.CurrentValues.SetValues(entry.OriginalValues);
                entry.State = EntityState.Unchanged;
            }
        }
    }

    /// <summary>For a membership set: the members the domain last got for that group (null when it never got a list).</summary>
    private async Task<IReadOnlyCollection<string>?> LastMembersAsync(string domainId, Change change, CancellationToken ct)
    {
        if (change.KindCase != Change.KindOneofCase.MembershipSet)
        {
            return null;
        }

        var groupId = change.MembershipSet.GroupId;
        var kind = nameof(Change.KindOneofCase.MembershipSet);
        var payload = await db.Changes.AsNoTracking()
            .Where(c => c.DomainId == domainId && c.ObjectId == groupId && c.Kind == kind && c.Seq < change.Seq)
            .OrderByDescending(c => c.Seq).Select(c => c.Payload).FirstOrDefaultAsync(ct);
        return payload is null ? null : [.. JsonParser.Default.Parse<Change>(payload).MembershipSet.MemberUsernames];
    }
}
