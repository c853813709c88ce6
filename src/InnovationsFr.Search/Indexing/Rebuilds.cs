namespace InnovationsFr.Search;

/// <summary>
/// Full rebuilds started by the service (POST /api/admin/reindex): one at a time, in the
/// background, into a new generation beside the one served; once published, <c>published</c>
/// swaps it in (the live writes' journal is applied over it). Lock: <c>_startLock</c>, only to
/// start one; the status is an immutable record swapped as the build reports progress.
/// </summary>
internal sealed class Rebuilds(IndexFolder folder, Action published) : IDisposable
{
    private readonly System.Threading.Lock _startLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private RebuildStatus _status = new();

    /// <summary>The last rebuild's progress or outcome.</summary>
    public RebuildStatus Status => Volatile.Read(ref _status);

    /// <summary>Starts a rebuild from corpus files (plus the admin journal); false when one is running.</summary>
    public bool Start(IReadOnlyList<string> corpusFiles, BuildOptions options)
    {
        lock (_startLock)
        {
            if (_status.State == RebuildState.Running)
            {
                return false;
            }

            _status = new RebuildStatus { State = RebuildState.Running, StartedAt = DateTimeOffset.UtcNow };
            var token = _stopping.Token;
            _ = Task.Run(() => RunAsync(corpusFiles, options, token), CancellationToken.None);
            return true;
        }
    }

    private async Task RunAsync(IReadOnlyList<string> corpusFiles, BuildOptions options, CancellationToken cancellationToken)
    {
        var started = _status.StartedAt;
        RebuildStatus Finished(RebuildState state, string? error, BuildReport? report) => new()
        {
            State = state,
            StartedAt = started,
            FinishedAt = DateTimeOffset.UtcNow,
            Articles = report?.Articles ?? _status.Articles,
            Skipped = report?.Skipped ?? _status.Skipped,
            BytesRead = report?.Bytes ?? _status.BytesRead,
            TotalBytes = _status.TotalBytes,
            JournalChanges = report?.JournalChanges ?? 0,
            Generation = report?.Generation is { } g ? Path.GetFileName(g) : null,
            Error = error,
            Problems = report?.Problems.Take(100).ToList() ?? [],
        };

        try
        {
            var progress = new Progress(this, started);
            var report = await IndexBuilder.BuildAsync(folder, corpusFiles, options, progress, cancellationToken).ConfigureAwait(false);
            if (report.Outcome == BuildOutcome.Published)
            {
                published();
            }

            Volatile.Write(ref _status, report.Outcome switch
            {
                BuildOutcome.Published => Finished(RebuildState.Succeeded, null, report),
                BuildOutcome.Busy => Finished(RebuildState.Failed, "another build holds the index folder (the indexer's build?): try again when it is done", report),
                BuildOutcome.NoArticles => Finished(RebuildState.Failed, "the corpus holds no valid article: the live index was kept", report),
                _ => Finished(RebuildState.Failed, "the corpus has bad records: the live index was kept", report),
            });
        }
        catch (OperationCanceledException)
        {
            Volatile.Write(ref _status, Finished(RebuildState.Failed, "cancelled: the service is stopping", null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or IndexUnavailableException)
        {
            Volatile.Write(ref _status, Finished(RebuildState.Failed, e.Message, null));
        }
    }

    /// <summary>Cancels a running rebuild (the token source stays: the build may still read it).</summary>
    public void Dispose() => _stopping.Cancel();

    private sealed class Progress(Rebuilds rebuilds, DateTimeOffset? started) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value) => Volatile.Write(ref rebuilds._status, new RebuildStatus
        {
            State = RebuildState.Running,
            StartedAt = started,
            Articles = value.Articles,
            Skipped = value.Skipped,
            BytesRead = value.BytesRead,
            TotalBytes = value.TotalBytes,
        });
    }
}
