using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Search.Similarities;

namespace InnovationsFr.Search;

/// <summary>How the write side runs (the API's settings; tests shorten them).</summary>
internal sealed record LiveWriteSettings(TimeSpan RefreshEvery, TimeSpan CommitEvery, long JournalCompactionFloor);

/// <summary>
/// The write side of the served index (near-real-time, durable): the admin journal, the served
/// generation's one IndexWriter, and the background loop.
/// - <see cref="Apply"/> appends the changes to the journal and flushes it to disk, then gives them
///   to the writer, and returns: the change is then acknowledged and survives a kill -9 (replayed
///   from the journal at start);
/// - the background loop (its own thread, never a request) refreshes the searcher every
///   RefreshEvery when something changed, commits every CommitEvery (the commit records the journal
///   sequence it holds, so replay starts after it), and follows the folder's CURRENT pointer, so a
///   generation built beside the service is swapped in with the journal's later changes applied.
/// Locks, always taken in this order: <c>_journalLock</c> (orders journal appends), then
/// <c>_writerLock</c> (the writer is in use; a swap waits for it), then the served generation's swap
/// lock. Applying a batch takes the writer lock before letting the journal lock go, so batches reach
/// the writer in journal order while the next batch's fsync overlaps this one's analysis.
/// </summary>
internal sealed class LiveWrites(IndexFolder folder, ServedGeneration served, LiveWriteSettings settings) : IDisposable
{
    private readonly System.Threading.Lock _journalLock = new();
    private readonly System.Threading.Lock _writerLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Journal? _journal;
    private long _appliedSequence;
    private long _committedSequence;
    private long _visibleSequence;
    private int _refreshWanted;
    private int _compacting;
    private long _failures;
    private Task? _loop;

    /// <summary>The last change sequence number searches see; the journal's last one; the last one committed.</summary>
    public (long Visible, long Acknowledged, long Committed) Sequences =>
        (Interlocked.Read(ref _visibleSequence), Interlocked.Read(ref _appliedSequence), Interlocked.Read(ref _committedSequence));

    /// <summary>The last error of the background loop (it retries), or null once a tick succeeds.</summary>
    public string? BackgroundError { get; private set; }

    /// <summary>Since when the background loop's ticks have failed, or null.</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    /// <summary>Failed ticks of the background loop since the start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Raised on the background thread for each failed tick.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Run at the start of each background tick (tests inject failures with it).</summary>
    internal Action? Fault { get; set; }

    /// <summary>Whether a background compaction of the journal is running.</summary>
    public bool Compacting => Volatile.Read(ref _compacting) == 1;

    /// <summary>Opens the generation CURRENT names with its writer (replaying the journal), then starts the background loop.</summary>
    public void Open()
    {
        Swap(force: true);
        _loop ??= Task.Factory.StartNew(() => RunBackground(_stopping.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Applies changes durably: journal (fsync) first, then the writer. On return they are
    /// acknowledged; searches see them after the next background refresh. Returns the last
    /// change's sequence number.
    /// </summary>
    public long Apply(IReadOnlyList<IndexChange> changes)
    {
        if (changes.Count == 0)
        {
            return Interlocked.Read(ref _appliedSequence);
        }

        // Serializing and grouping happen outside the locks.
        var prepared = Journal.Prepare(changes);
        var latest = changes
            .GroupBy(c => c.Id, StringComparer.Ordinal)
            .Select(g => g.Last())
            .ToList();
        OpenGeneration open;
        long sequence;
        lock (_journalLock)
        {
            open = served.Current ?? throw new IndexUnavailableException("the index is not open yet");
            sequence = _journal!.Append(prepared, changes);
            if (_journal.WantsCompaction && Interlocked.CompareExchange(ref _compacting, 1, 0) == 0)
            {
                // Rewriting a journal of hundreds of megabytes took seconds: writes waited for it
                // (upsert p99 2.4 s) and it competed with searches. Only its two ends hold the lock.
                var journal = _journal;
                var end = journal.CompactionStart();
                _ = Task.Run(() => CompactInBackground(journal, end));
            }

            _writerLock.Enter();
        }

        try
        {
            // Within one batch the last change of an article wins; distinct articles go in parallel.
            if (latest.Count >= 64)
            {
                Parallel.ForEach(latest, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, change => IndexBuilder.Apply(open.Writer!, change, open.Aliases));
            }
            else
            {
                foreach (var change in latest)
                {
                    IndexBuilder.Apply(open.Writer!, change, open.Aliases);
                }
            }

            Interlocked.Exchange(ref _appliedSequence, sequence);
            Interlocked.Exchange(ref _refreshWanted, 1);
            return sequence;
        }
        finally
        {
            _writerLock.Exit();
        }
    }

    /// <summary>Waits until searches see the change with this sequence number (tests and tools; requests never wait).</summary>
    public async Task<bool> WaitVisibleAsync(long sequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (Interlocked.Read(ref _visibleSequence) < sequence)
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Swaps in the generation CURRENT names when it is not the one served (a build published it).</summary>
    public void FollowCurrent()
    {
        if (served.CurrentMoved())
        {
            Swap(force: false);
        }
    }

    /// <summary>Swaps generations with writes paused: the new generation's writer replays what its commit lacks.</summary>
    private void Swap(bool force)
    {
        lock (_journalLock)
        {
            lock (_writerLock)
            {
                if (force || served.CurrentMoved())
                {
                    served.Swap(OpenWriter);
                }
            }
        }
    }

    /// <summary>Opens a generation's writer and applies the journal's changes that its last commit does not hold.</summary>
    private IndexWriter OpenWriter(string generation, Lucene.Net.Store.Directory directory, TagAliases aliases)
    {
        // The generation already served (opened again): its writer holds the folder's write lock, so
        // it commits and closes first (its searchers stay valid until their last request ends).
        if (served.Current is { Writer: { } current } open && ServedGeneration.SameFolder(open.Generation, generation))
        {
            Commit(current, Interlocked.Read(ref _appliedSequence));
            current.Dispose(waitForMerges: false);
        }

        var config = new IndexWriterConfig(FrenchAnalysis.Version, IndexAnalyzer.Instance)
        {
            OpenMode = OpenMode.APPEND,
            Codec = IndexFormat.Codec,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 128,
            MaxThreadStates = Math.Max(1, Environment.ProcessorCount),
            // Near-real-time refreshes flush small segments several times a second: packing each
            // into a compound file would copy every byte once more.
            UseCompoundFile = false,
            MergePolicy = new TieredMergePolicy { NoCFSRatio = 0 },
            MergeScheduler = new BackgroundMergeScheduler(),
            // Only the last commit is kept, except those a replica is copying (ReplicationSource snapshots them).
            IndexDeletionPolicy = new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()),
        };
        var writer = new IndexWriter(directory, config);
        try
        {
            var committed = CommitData.Sequence(writer.CommitData);
            _journal ??= Journal.Open(folder.Root, settings.JournalCompactionFloor);
            var last = committed;
            foreach (var entry in Journal.Read(Journal.PathIn(folder.Root), committed))
            {
                IndexBuilder.Apply(writer, entry.Change, aliases);
                last = entry.Sequence;
            }

            if (last > committed)
            {
                Commit(writer, last);
            }

            Interlocked.Exchange(ref _appliedSequence, Math.Max(last, _journal.LastSequence));
            Interlocked.Exchange(ref _committedSequence, last);
            Interlocked.Exchange(ref _visibleSequence, last);
            if (_journal.WantsCompaction)
            {
                _journal.Compact();
            }

            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Commits a writer, recording the last journal sequence it holds and when.</summary>
    internal static void Commit(IndexWriter writer, long sequence)
    {
        writer.SetCommitData(CommitData.Of(sequence));
        writer.Commit();
        Interlocked.Exchange(ref _nextCommit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private static TaskCompletionSource _nextCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next commit of any writer of this process (replicas waiting for a newer commit wake on it).</summary>
    internal static Task NextCommit => Volatile.Read(ref _nextCommit).Task;

    /// <summary>Compacts the journal while writes go on; a failure leaves it as it was (it is tried again as it grows).</summary>
    private void CompactInBackground(Journal journal, long end)
    {
        (string Path, long Records)? compacted = null;
        try
        {
            compacted = journal.WriteCompacted(end);
            lock (_journalLock)
            {
                if (ReferenceEquals(_journal, journal))
                {
                    journal.FinishCompaction(compacted.Value, end);
                    compacted = null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        finally
        {
            if (compacted != null)
            {
                try
                {
                    File.Delete(compacted.Value.Path);
                }
                catch (IOException)
                {
                }
            }

            Interlocked.Exchange(ref _compacting, 0);
        }
    }

    private void RunBackground(CancellationToken cancellationToken)
    {
        var sinceCommit = Stopwatch.StartNew();
        var sincePointerCheck = Stopwatch.StartNew();
        var tick = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (true)
        {
            // A tick every RefreshEvery, whatever the last one's work took (it is not added to the wait).
            next += settings.RefreshEvery;
            var wait = next - tick.Elapsed;
            if (wait < TimeSpan.Zero)
            {
                next = tick.Elapsed;
                wait = TimeSpan.Zero;
            }

            if (cancellationToken.WaitHandle.WaitOne(wait))
            {
                break;
            }

            try
            {
                Fault?.Invoke();
                if (Interlocked.Exchange(ref _refreshWanted, 0) == 1)
                {
                    Refresh();
                }

                if (sincePointerCheck.Elapsed >= TimeSpan.FromSeconds(1))
                {
                    sincePointerCheck.Restart();
                    FollowCurrent();
                }

                if (sinceCommit.Elapsed >= settings.CommitEvery)
                {
                    sinceCommit.Restart();
                    CommitNow();
                }

                BackgroundError = null;
                FailingSince = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever it is, the loop lives on (else refreshes and commits would stop while
                // searches answer stale results): retried at the next tick, shown by /health/ready
                // and /metrics meanwhile, and reported to the host's log.
                BackgroundError = $"{e.GetType().Name}: {e.Message}";
                FailingSince ??= DateTimeOffset.UtcNow;
                Interlocked.Increment(ref _failures);
                Interlocked.Exchange(ref _refreshWanted, 1);
                Failed?.Invoke(e);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private void Refresh()
    {
        // What was applied before the refresh is visible after it.
        var sequence = Interlocked.Read(ref _appliedSequence);
        if (served.Refresh())
        {
            Interlocked.Exchange(ref _visibleSequence, sequence);
        }
    }

    private void CommitNow()
    {
        var open = served.Current;
        if (open?.Writer == null || Interlocked.Read(ref _appliedSequence) == Interlocked.Read(ref _committedSequence) || !open.TryEnter())
        {
            return;
        }

        try
        {
            var sequence = Interlocked.Read(ref _appliedSequence);
            Commit(open.Writer, sequence);
            Interlocked.Exchange(ref _committedSequence, sequence);
        }
        finally
        {
            open.Exit();
        }
    }

    /// <summary>Stops the background loop, commits what was acknowledged, and closes the generation served.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        lock (_journalLock)
        using (_writerLock.EnterScope())
        {
            served.Close(Interlocked.Read(ref _appliedSequence));
            _journal?.Dispose();
            _journal = null;
        }

        _stopping.Dispose();
    }
}
