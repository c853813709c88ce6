using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search.Similarities;

namespace InnovationsFr.Search;

/// <summary>What a rebuild is doing.</summary>
public enum RebuildState
{
    Idle,
    Running,
    Succeeded,
    Failed,
}

/// <summary>The progress or outcome of the last rebuild started through <see cref="SearchIndex.StartRebuild"/>.</summary>
public sealed record RebuildStatus
{
    public RebuildState State { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long Articles { get; init; }
    public long Skipped { get; init; }
    public long BytesRead { get; init; }
    public long TotalBytes { get; init; }
    /// <summary>Admin journal changes applied over the corpus.</summary>
    public long JournalChanges { get; init; }
    public string? Generation { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<CorpusProblem> Problems { get; init; } = [];
}

/// <summary>
/// The write side of the open index (near-real-time, durable):
/// - <see cref="Apply"/> appends the changes to the admin journal and flushes it to disk, then gives
///   them to the generation's one IndexWriter, and returns: the change is then acknowledged and
///   survives a kill -9 (replayed from the journal at start);
/// - a background loop (never a request) refreshes the searcher every <see cref="RefreshEvery"/>
///   when something changed, so a change is visible within about that plus the refresh's own time;
///   commits every <see cref="CommitEvery"/> (the commit records the journal sequence it holds, so
///   replay starts after it); and follows the folder's CURRENT pointer, so a generation built beside
///   the service (the indexer's build, or <see cref="StartRebuild"/>) is swapped in with the
///   journal's later changes applied to it first.
/// </summary>
public sealed partial class SearchIndex
{
    private readonly System.Threading.Lock _writeLock = new();
    private readonly System.Threading.Lock _applyLock = new();
    private readonly System.Threading.Lock _rebuildLock = new();
    private Journal? _journal;
    private long _appliedSequence;
    private long _committedSequence;
    private long _visibleSequence;
    private int _refreshWanted;
    private CancellationTokenSource? _background;
    private Task? _backgroundLoop;
    private RebuildStatus _rebuild = new();

    /// <summary>Whether this instance owns the index's writer (the API); read-only users (the indexer's commands) do not.</summary>
    public bool AcceptsWrites { get; init; }

    /// <summary>How often the background loop makes changes visible (when there are any).</summary>
    public TimeSpan RefreshEvery { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often changes are committed to the index (the journal keeps them safe in between).</summary>
    public TimeSpan CommitEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the open generation is reopened (a fresh directory, writer and searcher; the old one
    /// closes after its last search): Lucene.Net 4.8.0-beta00017's memory-mapped inputs keep weak
    /// tables of their clones that only grow (about 1 MB a minute under load), and reopening drops them.
    /// Null: never.
    /// </summary>
    public TimeSpan? ReopenEvery { get; init; }

    /// <summary>The last change sequence number searches see; the journal's last one; the last one committed.</summary>
    public (long Visible, long Acknowledged, long Committed) Sequences =>
        (Interlocked.Read(ref _visibleSequence), Interlocked.Read(ref _appliedSequence), Interlocked.Read(ref _committedSequence));

    /// <summary>The last error of the background loop (it retries), or null once a tick succeeds.</summary>
    public string? BackgroundError { get; private set; }

    /// <summary>Since when the background loop's ticks have failed, or null.</summary>
    public DateTimeOffset? BackgroundFailingSince { get; private set; }

    /// <summary>Failed ticks of the background loop since the start.</summary>
    public long BackgroundFailures => Interlocked.Read(ref _backgroundFailures);

    private long _backgroundFailures;

    /// <summary>Raised on the background thread for each failed tick (the host logs it).</summary>
    public event Action<Exception>? BackgroundFailed;

    /// <summary>Run at the start of each background tick (tests inject failures with it).</summary>
    internal Action? BackgroundFault { get; set; }

    /// <summary>How long the last refresh took to make changes visible.</summary>
    public TimeSpan LastRefreshDuration { get; private set; }

    /// <summary>
    /// Applies changes durably: journal (fsync) first, then the writer. On return they are
    /// acknowledged; searches see them after the next background refresh. Returns the last
    /// change's sequence number.
    /// </summary>
    public long Apply(IReadOnlyList<IndexChange> changes)
    {
        if (!AcceptsWrites)
        {
            throw new InvalidOperationException("this SearchIndex was opened read-only");
        }

        if (changes.Count == 0)
        {
            return Interlocked.Read(ref _appliedSequence);
        }

        // Serializing and grouping happen outside the locks. The journal lock orders the changes;
        // the apply lock is taken before the journal lock is let go, so batches reach the writer in
        // journal order while the next batch's journal write (and fsync) overlaps this one's analysis.
        var prepared = Journal.Prepare(changes);
        var latest = changes
            .GroupBy(c => c.Id, StringComparer.Ordinal)
            .Select(g => g.Last())
            .ToList();
        OpenGeneration open;
        long sequence;
        lock (_writeLock)
        {
            open = Volatile.Read(ref _open) ?? throw new IndexUnavailableException("the index is not open yet");
            sequence = _journal!.Append(prepared, changes);
            if (_journal.WantsCompaction && Interlocked.CompareExchange(ref _compacting, 1, 0) == 0)
            {
                // Rewriting a journal of hundreds of megabytes took seconds: writes waited for it
                // (upsert p99 2.4 s) and it competed with searches. Only its two ends hold the lock.
                var journal = _journal;
                var end = journal.CompactionStart();
                _ = Task.Run(() => CompactInBackground(journal, end));
            }

            _applyLock.Enter();
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
            _applyLock.Exit();
        }
    }

    private int _compacting;

    /// <summary>Compacts the journal while writes go on; a failure leaves it as it was (it is tried again as it grows).</summary>
    private void CompactInBackground(Journal journal, long end)
    {
        (string Path, long Records)? compacted = null;
        try
        {
            compacted = journal.WriteCompacted(end);
            lock (_writeLock)
            {
                if (ReferenceEquals(_journal, journal))
                {
                    journal.FinishCompaction(compacted.Value, end);
                    compacted = null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
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

    /// <summary>Whether a background compaction of the journal is running.</summary>
    internal bool Compacting => Volatile.Read(ref _compacting) == 1;

    /// <summary>The size below which the admin journal is never compacted (64 MB; tests lower it).</summary>
    internal long JournalCompactionFloor { get; init; } = 64L << 20;

    /// <summary>Waits until searches see the change with this sequence number (tests and tools; requests never wait).</summary>
    public async Task<bool> WaitVisibleAsync(long sequence, TimeSpan timeout, CancellationToken cancellationToken = default)
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

    /// <summary>The last rebuild's progress or outcome.</summary>
    public RebuildStatus Rebuild => Volatile.Read(ref _rebuild);

    /// <summary>
    /// Starts a full rebuild from corpus files in the background (plus the admin journal), swapped
    /// in atomically when complete; searches and writes go on meanwhile. False when one is running.
    /// </summary>
    public bool StartRebuild(IReadOnlyList<string> corpusFiles, BuildOptions options)
    {
        lock (_rebuildLock)
        {
            if (_rebuild.State == RebuildState.Running)
            {
                return false;
            }

            _rebuild = new RebuildStatus { State = RebuildState.Running, StartedAt = DateTimeOffset.UtcNow };
            var token = (_background ??= new CancellationTokenSource()).Token;
            _ = Task.Run(() => RebuildAsync(corpusFiles, options, token), CancellationToken.None);
            return true;
        }
    }

    private async Task RebuildAsync(IReadOnlyList<string> corpusFiles, BuildOptions options, CancellationToken cancellationToken)
    {
        var started = _rebuild.StartedAt;
        RebuildStatus Finished(RebuildState state, string? error, BuildReport? report) => new()
        {
            State = state,
            StartedAt = started,
            FinishedAt = DateTimeOffset.UtcNow,
            Articles = report?.Articles ?? _rebuild.Articles,
            Skipped = report?.Skipped ?? _rebuild.Skipped,
            BytesRead = report?.Bytes ?? _rebuild.BytesRead,
            TotalBytes = _rebuild.TotalBytes,
            JournalChanges = report?.JournalChanges ?? 0,
            Generation = report?.Generation is { } g ? Path.GetFileName(g) : null,
            Error = error,
            Problems = report?.Problems.Take(100).ToList() ?? [],
        };

        try
        {
            var progress = new RebuildProgress(this, started);
            var report = await IndexBuilder.BuildAsync(_folder, corpusFiles, options, progress, cancellationToken).ConfigureAwait(false);
            if (report.Outcome == BuildOutcome.Published)
            {
                FollowCurrent();
            }

            Volatile.Write(ref _rebuild, report.Outcome switch
            {
                BuildOutcome.Published => Finished(RebuildState.Succeeded, null, report),
                BuildOutcome.Busy => Finished(RebuildState.Failed, "another build holds the index folder (the indexer's build?): try again when it is done", report),
                BuildOutcome.NoArticles => Finished(RebuildState.Failed, "the corpus holds no valid article: the live index was kept", report),
                _ => Finished(RebuildState.Failed, "the corpus has bad records: the live index was kept", report),
            });
        }
        catch (OperationCanceledException)
        {
            Volatile.Write(ref _rebuild, Finished(RebuildState.Failed, "cancelled: the service is stopping", null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or IndexUnavailableException)
        {
            Volatile.Write(ref _rebuild, Finished(RebuildState.Failed, e.Message, null));
        }
    }

    private sealed class RebuildProgress(SearchIndex index, DateTimeOffset? started) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value) => Volatile.Write(ref index._rebuild, new RebuildStatus
        {
            State = RebuildState.Running,
            StartedAt = started,
            Articles = value.Articles,
            Skipped = value.Skipped,
            BytesRead = value.BytesRead,
            TotalBytes = value.TotalBytes,
        });
    }

    /// <summary>Opens the generation's writer and applies the journal's changes that its last commit does not hold.</summary>
    private IndexWriter OpenWriter(Lucene.Net.Store.Directory directory, TagAliases aliases)
    {
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
        };
        var writer = new IndexWriter(directory, config);
        try
        {
            var committed = writer.CommitData.TryGetValue(IndexBuilder.SequenceKey, out var text) &&
                long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            _journal ??= Journal.Open(_folder.Root, JournalCompactionFloor);
            var last = committed;
            foreach (var entry in Journal.Read(Journal.PathIn(_folder.Root), committed))
            {
                IndexBuilder.Apply(writer, entry.Change, aliases);
                last = entry.Sequence;
            }

            if (last > committed)
            {
                CommitWriter(writer, last);
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

    private static void CommitWriter(IndexWriter writer, long sequence)
    {
        writer.SetCommitData(new Dictionary<string, string> { [IndexBuilder.SequenceKey] = sequence.ToString(CultureInfo.InvariantCulture) });
        writer.Commit();
    }

    private void StartBackgroundWork()
    {
        lock (_rebuildLock)
        {
            if (_backgroundLoop != null)
            {
                return;
            }

            var token = (_background ??= new CancellationTokenSource()).Token;
            // Its own thread, not the thread pool's: a refresh must not wait for a pool thread when
            // requests block the pool's (fsync, locks), or "visible within a second" slips.
            _backgroundLoop = Task.Factory.StartNew(() => RunBackground(token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void RunBackground(CancellationToken cancellationToken)
    {
        var sinceCommit = Stopwatch.StartNew();
        var sinceReopen = Stopwatch.StartNew();
        var sincePointerCheck = Stopwatch.StartNew();
        var tick = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (true)
        {
            // A tick every RefreshEvery, whatever the last one's work took (it is not added to the wait).
            next += RefreshEvery;
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
                BackgroundFault?.Invoke();
                if (Interlocked.Exchange(ref _refreshWanted, 0) == 1)
                {
                    RefreshNow();
                }

                if (sincePointerCheck.Elapsed >= TimeSpan.FromSeconds(1))
                {
                    sincePointerCheck.Restart();
                    FollowCurrent();
                }

                if (sinceCommit.Elapsed >= CommitEvery)
                {
                    sinceCommit.Restart();
                    CommitNow();
                }

                if (ReopenEvery is { } every && sinceReopen.Elapsed >= every)
                {
                    sinceReopen.Restart();
                    Reopen();
                }

                BackgroundError = null;
                BackgroundFailingSince = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever it is, the loop lives on (else refreshes and commits would stop while
                // searches answer stale results): retried at the next tick, shown by /health/ready
                // and /metrics meanwhile, and reported to the host's log.
                BackgroundError = $"{e.GetType().Name}: {e.Message}";
                BackgroundFailingSince ??= DateTimeOffset.UtcNow;
                Interlocked.Increment(ref _backgroundFailures);
                Interlocked.Exchange(ref _refreshWanted, 1);
                BackgroundFailed?.Invoke(e);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private void RefreshNow()
    {
        var open = Volatile.Read(ref _open);
        if (open == null || !open.TryEnter())
        {
            return;
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var sequence = Interlocked.Read(ref _appliedSequence);
            open.Manager.MaybeRefreshBlocking();
            Interlocked.Exchange(ref _visibleSequence, sequence);
            LastRefreshDuration = clock.Elapsed;
        }
        finally
        {
            open.Exit();
        }
    }

    private void CommitNow()
    {
        var open = Volatile.Read(ref _open);
        if (open?.Writer == null || Interlocked.Read(ref _appliedSequence) == Interlocked.Read(ref _committedSequence) || !open.TryEnter())
        {
            return;
        }

        try
        {
            var sequence = Interlocked.Read(ref _appliedSequence);
            CommitWriter(open.Writer, sequence);
            Interlocked.Exchange(ref _committedSequence, sequence);
        }
        finally
        {
            open.Exit();
        }
    }

    /// <summary>Reopens the generation now served (writes wait for it; searches go on, on the old one until the swap).</summary>
    internal void Reopen()
    {
        lock (_writeLock)
        {
            lock (_applyLock)
            {
                lock (_openLock)
                {
                    if (Volatile.Read(ref _open) != null)
                    {
                        OpenCurrent();
                    }
                }
            }
        }
    }

    /// <summary>Swaps in the generation CURRENT names when it is not the one open (a build published it).</summary>
    private void FollowCurrent()
    {
        var current = _folder.CurrentGeneration;
        var open = Volatile.Read(ref _open);
        if (current == null || open == null || SameFolder(current, open.Generation))
        {
            return;
        }

        lock (_writeLock)
        {
            lock (_applyLock)
            {
                lock (_openLock)
                {
                    open = Volatile.Read(ref _open);
                    if (open != null && !SameFolder(current, open.Generation))
                    {
                        OpenCurrent();
                    }
                }
            }
        }
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>Stops the background loop, commits what was acknowledged, and closes the index.</summary>
    public void Dispose()
    {
        _background?.Cancel();
        try
        {
            _backgroundLoop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        lock (_writeLock)
        using (_applyLock.EnterScope())
        {
            var open = Interlocked.Exchange(ref _open, null);
            if (open?.Writer != null)
            {
                open.CommitAndClose(Interlocked.Read(ref _appliedSequence));
            }
            else
            {
                open?.Retire();
            }

            _journal?.Dispose();
            _journal = null;
        }

        _background?.Dispose();
    }
}
