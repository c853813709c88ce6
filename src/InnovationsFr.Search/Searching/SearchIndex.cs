namespace InnovationsFr.Search;

/// <summary>
/// The index as the API and the indexer use it: one instance per process (a DI singleton in the
/// API), a thin front over the engine's rooms —
/// <see cref="ServedGeneration"/> (the generation served: open, swap, borrow a searcher),
/// <see cref="LiveWrites"/> (journal, writer, refresh/commit loop; only with <see cref="AcceptsWrites"/>),
/// <see cref="Rebuilds"/> (full rebuilds beside the served generation) and
/// <see cref="SearchPipeline"/> (a search, on one borrowed searcher). Every read borrows one searcher
/// for the whole request and gives it back (<see cref="With{T}"/>).
/// </summary>
public sealed class SearchIndex : IDisposable
{
    private readonly SynonymFile _synonyms;
    private readonly ServedGeneration _served;
    private readonly SearchPipeline _pipeline;
    private readonly Rebuilds _rebuilds;
    private LiveWrites? _writes;

    /// <param name="folder">The index folder.</param>
    /// <param name="synonyms">The editors' synonym file (read again when it changes); none by default.</param>
    /// <param name="timeBudget">The longest a search may run before it returns what it has, flagged partial (default 1 s; zero or less: no budget).</param>
    public SearchIndex(IndexFolder folder, SynonymFile? synonyms = null, TimeSpan? timeBudget = null)
    {
        _synonyms = synonyms ?? SynonymFile.None;
        TimeBudget = timeBudget is { } budget && budget <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeBudget ?? TimeSpan.FromSeconds(1);
        _served = new ServedGeneration(folder, () => StatisticsDrift);
        _pipeline = new SearchPipeline(TimeBudget);
        _rebuilds = new Rebuilds(folder, FollowCurrent);
        Replication = new ReplicationSource(() => _served.Current);
    }

    /// <summary>The primary's side of replication: its latest commit's manifest and files, for replicas (<see cref="IndexReplica"/>).</summary>
    public ReplicationSource Replication { get; }

    /// <summary>The commit served (a read-only index: the commit it opened), read from one searcher.</summary>
    public CommitPoint ServedCommit() => With(lease =>
    {
        var commit = ((Lucene.Net.Index.DirectoryReader)lease.Reader).IndexCommit;
        return new CommitPoint(lease.Generation, commit.Generation, CommitData.CommittedAt(commit.UserData), CommitData.Sequence(commit.UserData));
    });

    /// <summary>A read-only index (a replica) serves the latest commit copied into its folder: opens it, swaps in its generation, or refreshes to its commit.</summary>
    internal void FollowCopiedCommit()
    {
        if (AcceptsWrites)
        {
            throw new InvalidOperationException("an index that accepts writes does not follow copied commits");
        }

        if (!_served.IsOpen || _served.CurrentMoved())
        {
            _served.Swap(openWriter: null);
        }
        else
        {
            _served.Refresh();
        }
    }

    /// <summary>The longest a search may run: past it, the search stops and answers with what it has collected (partial). Infinite: no budget.</summary>
    public TimeSpan TimeBudget { get; }

    /// <summary>The synonyms in force.</summary>
    public Synonyms Synonyms => _synonyms.Current;

    public IndexFolder Folder => _served.Folder;

    public bool IsOpen => _served.IsOpen;

    /// <summary>When the generation now served was opened (null before).</summary>
    public DateTimeOffset? OpenedAt => _served.OpenedAt;

    /// <summary>The folder of the generation now served, or null.</summary>
    public string? OpenGenerationPath => _served.Current?.Generation;

    /// <summary>Whether this instance owns the index's writer (the API); read-only users (the indexer's commands) do not.</summary>
    public bool AcceptsWrites { get; init; }

    /// <summary>How often the background loop makes changes visible (when there are any).</summary>
    public TimeSpan RefreshEvery { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often changes are committed to the index (the journal keeps them safe in between).</summary>
    public TimeSpan CommitEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The size below which the admin journal is never compacted (64 MB; tests lower it).</summary>
    internal long JournalCompactionFloor { get; init; } = 64L << 20;

    /// <summary>How far the index may change before scoring statistics are read again (<see cref="StatisticsEpoch"/>).</summary>
    internal double StatisticsDrift { get; init; } = StatisticsEpoch.DefaultDrift;

    /// <summary>Runs searches segment by segment, keeping the tallies of large segments across refreshes.</summary>
    internal SegmentSearch Segments { get => _pipeline.Segments; set => _pipeline.Segments = value; }

    /// <summary>Whether answers are cached (benchmarks turn it off to measure the engine).</summary>
    internal bool CacheAnswers { get => _pipeline.CacheAnswers; set => _pipeline.CacheAnswers = value; }

    /// <summary>Answers served from the cache, and answers computed.</summary>
    public (long Hits, long Misses) CacheStats => _pipeline.CacheStats;

    /// <summary>Hits shown from the hit cache, and hits loaded and highlighted.</summary>
    internal (long Hits, long Misses) ShownHitStats => _pipeline.ShownHitStats;

    /// <summary>Run after a search's page is computed, before its cursor is written (tests change the index there).</summary>
    internal Action? PageComputed { get => _pipeline.PageComputed; set => _pipeline.PageComputed = value; }

    /// <summary>
    /// Opens the generation named by the folder's CURRENT file, and retires a previously open one
    /// once its last search is done. With <see cref="AcceptsWrites"/>, also opens its writer, applies
    /// the admin journal's changes its last commit does not hold, and starts the background loop.
    /// </summary>
    public void Open()
    {
        if (!AcceptsWrites)
        {
            _served.Swap(openWriter: null);
            return;
        }

        if (_writes == null)
        {
            var writes = new LiveWrites(_served.Folder, _served, new LiveWriteSettings(RefreshEvery, CommitEvery, JournalCompactionFloor));
            writes.Failed += e => BackgroundFailed?.Invoke(e);
            _writes = writes;
        }

        _writes.Open();
    }

    public IndexStats Stats() => With(lease => new IndexStats(lease.Reader.NumDocs, lease.Generation));

    /// <summary>A search: top hits, highlighted snippets and facets over the whole result set, in one pass on one searcher.</summary>
    public SearchPage Search(SearchRequest request) => With(lease => _pipeline.Search(lease, request, _synonyms.Current, Ranking.Current));

    /// <summary>The learned ranking's file (read again when it changes); none by default.</summary>
    public RankingModelFile Ranking { get; init; } = RankingModelFile.None;

    /// <summary>Every live article's top rubric, and each top rubric's article count (read once, to learn a ranking).</summary>
    internal RubricCensus RubricCensus() => With(lease =>
    {
        var rubricOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var bytes = new Lucene.Net.Util.BytesRef();
        foreach (var context in lease.Reader.Leaves)
        {
            var reader = context.AtomicReader;
            var live = reader.LiveDocs;
            var ids = reader.GetSortedDocValues(ArticleDocument.Id);
            var rubrics = reader.GetSortedSetDocValues(ArticleDocument.Rubric);
            for (var doc = 0; ids != null && rubrics != null && doc < reader.MaxDoc; doc++)
            {
                if ((live == null || live.Get(doc)) && ArticleDocument.TopRubric(rubrics, doc) is { } rubric)
                {
                    ids.Get(doc, bytes);
                    rubricOf[bytes.Utf8ToString()] = rubric;
                    counts[rubric] = counts.GetValueOrDefault(rubric) + 1;
                }
            }
        }

        return new RubricCensus(id => rubricOf.GetValueOrDefault(id), counts);
    });

    /// <summary>A query's first-stage candidates with their article ids and ranking features (what <see cref="RankingLearner"/> learns from).</summary>
    internal IReadOnlyList<(string Id, float[] Features)> RankingCandidates(string query, RankingPriors? priors) =>
        With(lease => _pipeline.Candidates(lease, query, _synonyms.Current, priors));

    /// <summary>At most this many selected tags are applied.</summary>
    public const int MaxSelectedTags = SearchPipeline.MaxSelectedTags;

    /// <summary>Autocomplete: up to <paramref name="limit"/> (at most 10) completions of the last word, tag labels and titles.</summary>
    public CompletionList Complete(string typed, int limit = 10) => With(lease => Completions.Complete(lease.Searcher, lease.Facts, typed, limit));

    /// <summary>Tags with their article counts, in the whole index or a search's results; optionally those with a word starting like a prefix.</summary>
    public TagListPage ListTags(TagListRequest request) => With(lease => TagCatalog.List(lease.Searcher, lease.Facts, request));

    /// <summary>A tag's page by any spelling, slug or alias, or null when no article carries it.</summary>
    public TagDetail? GetTag(string tag, int page = 1, int size = 10) => With(lease =>
        TagCatalog.Detail(lease.Searcher, lease.Facts, tag, page, size,
            key => _pipeline.Search(lease, new SearchRequest { Tags = [key], Sort = SearchSort.Date, Page = page, Size = size, FacetLimit = 0 }, _synonyms.Current).Hits));

    /// <summary>A tag cloud, with wp_tag_cloud's parameters.</summary>
    public TagCloud TagCloud(TagCloudRequest request) => With(lease => _pipeline.TagCloud(lease, request));

    /// <summary>Groups of tags that are probably one, largest first.</summary>
    public IReadOnlyList<TagDuplicateGroup> TagDuplicates(int limit = 50) => With(lease => TagCatalog.Duplicates(lease.Reader, lease.Facts, limit));

    /// <summary>
    /// A token that changes whenever what the index answers may change (another generation, or
    /// another reader version of it): the basis of HTTP ETags.
    /// </summary>
    public string Version() => With(lease => lease.Version);

    /// <summary>Articles related to an indexed one ("À lire aussi"), each with why; null when the id is unknown.</summary>
    public IReadOnlyList<RelatedArticle>? Related(string id, RelatedRequest request) => With(lease =>
    {
        var source = Relatedness.Source(lease.Searcher, id, out var docId);
        return source == null ? null : Relatedness.Find(lease.Searcher, lease.Facts, source, docId, request);
    });

    /// <summary>Earlier coverage for a draft that is not in the index.</summary>
    public IReadOnlyList<RelatedArticle> RelatedToDraft(Draft draft, RelatedRequest request) => With(lease =>
        Relatedness.Find(lease.Searcher, lease.Facts, draft, -1, request));

    /// <summary>An article by id, or null.</summary>
    public Article? GetArticle(string id) => With(lease => ArticleDocument.FindById(lease.Searcher, id));

    /// <summary>An article by its slug (the newest when two share one), or null.</summary>
    public Article? GetArticleBySlug(string slug) => With(lease => ArticleDocument.FindBySlug(lease.Searcher, slug));

    // Live writes (AcceptsWrites only).

    /// <summary>
    /// Applies changes durably: journal (fsync) first, then the writer. On return they are
    /// acknowledged; searches see them after the next background refresh. Returns the last
    /// change's sequence number.
    /// </summary>
    public long Apply(IReadOnlyList<IndexChange> changes) => Writes.Apply(changes);

    /// <summary>Waits until searches see the change with this sequence number (tests and tools; requests never wait).</summary>
    public Task<bool> WaitVisibleAsync(long sequence, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Writes.WaitVisibleAsync(sequence, timeout, cancellationToken);

    /// <summary>The last change sequence number searches see; the journal's last one; the last one committed.</summary>
    public (long Visible, long Acknowledged, long Committed) Sequences => _writes?.Sequences ?? default;

    /// <summary>The last error of the background loop (it retries), or null once a tick succeeds.</summary>
    public string? BackgroundError => _writes?.BackgroundError;

    /// <summary>Since when the background loop's ticks have failed, or null.</summary>
    public DateTimeOffset? BackgroundFailingSince => _writes?.FailingSince;

    /// <summary>Failed ticks of the background loop since the start.</summary>
    public long BackgroundFailures => _writes?.Failures ?? 0;

    /// <summary>Raised on the background thread for each failed tick (the host logs it).</summary>
    public event Action<Exception>? BackgroundFailed;

    /// <summary>Run at the start of each background tick (tests inject failures with it).</summary>
    internal Action? BackgroundFault { get => Writes.Fault; set => Writes.Fault = value; }

    /// <summary>Whether a background compaction of the journal is running.</summary>
    internal bool Compacting => _writes?.Compacting ?? false;

    /// <summary>The last rebuild's progress or outcome.</summary>
    public RebuildStatus Rebuild => _rebuilds.Status;

    /// <summary>
    /// Starts a full rebuild from corpus files in the background (plus the admin journal), swapped
    /// in atomically when complete; searches and writes go on meanwhile. False when one is running.
    /// </summary>
    public bool StartRebuild(IReadOnlyList<string> corpusFiles, BuildOptions options) => _rebuilds.Start(corpusFiles, options);

    /// <summary>Stops the background work, commits what was acknowledged, and closes the index.</summary>
    public void Dispose()
    {
        _rebuilds.Dispose();
        if (_writes != null)
        {
            _writes.Dispose();
        }
        else
        {
            _served.Close(0);
        }
    }

    private LiveWrites Writes => _writes ?? (AcceptsWrites
        ? throw new IndexUnavailableException("the index is not open yet")
        : throw new InvalidOperationException("this SearchIndex was opened read-only"));

    /// <summary>Swaps in the generation a build published (with the journal's later changes when writable).</summary>
    private void FollowCurrent()
    {
        if (_writes != null)
        {
            _writes.FollowCurrent();
        }
        else if (_served.CurrentMoved())
        {
            _served.Swap(openWriter: null);
        }
    }

    /// <summary>The searcher served now, for tests that drive the engine's parts on it; dispose to give it back.</summary>
    internal SearcherLease BorrowForTests() => _served.Borrow();

    /// <summary>Borrows the searcher served now for one call, and always gives it back.</summary>
    private T With<T>(Func<SearcherLease, T> work)
    {
        using var lease = _served.Borrow();
        return work(lease);
    }
}
