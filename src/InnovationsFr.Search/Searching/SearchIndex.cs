using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Queries;
using Lucene.Net.Search;
using Lucene.Net.Store;

namespace InnovationsFr.Search;

/// <summary>Thrown when a search arrives before an index is open.</summary>
public sealed class IndexUnavailableException(string message) : Exception(message);

/// <summary>Numbers about the open index.</summary>
public sealed record IndexStats(int Articles, string Generation);

/// <summary>
/// The open index: owns the Lucene directory and searcher manager for the life of the process
/// (one instance, a DI singleton in the API), and answers searches and article look-ups. Every
/// search goes through <see cref="WithSearcher{T}"/>, which pairs Acquire with Release.
/// </summary>
public sealed partial class SearchIndex : IDisposable
{
    private readonly IndexFolder _folder;
    private readonly ConditionalWeakTable<IndexReader, ReaderFacts> _facts = new();
    private readonly System.Threading.Lock _openLock = new();
    private readonly SynonymFile _synonyms;
    private OpenGeneration? _open;

    /// <param name="folder">The index folder.</param>
    /// <param name="synonyms">The editors' synonym file (read again when it changes); none by default.</param>
    /// <param name="timeBudget">The longest a search may run before it returns what it has, flagged partial (default 1 s; zero or less: no budget).</param>
    public SearchIndex(IndexFolder folder, SynonymFile? synonyms = null, TimeSpan? timeBudget = null)
    {
        _folder = folder;
        _synonyms = synonyms ?? SynonymFile.None;
        TimeBudget = timeBudget is { } budget && budget <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeBudget ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>The longest a search may run: past it, the search stops and answers with what it has collected (partial). Infinite: no budget.</summary>
    public TimeSpan TimeBudget { get; }

    /// <summary>The synonyms in force.</summary>
    public Synonyms Synonyms => _synonyms.Current;

    public IndexFolder Folder => _folder;

    public bool IsOpen => Volatile.Read(ref _open) != null;

    /// <summary>When the generation now served was opened (null before).</summary>
    public DateTimeOffset? OpenedAt { get; private set; }

    /// <summary>The folder of the generation now served, or null.</summary>
    public string? OpenGenerationPath => Volatile.Read(ref _open)?.Generation;

    /// <summary>
    /// Opens the live generation named by the folder's CURRENT file, and retires a previously open
    /// one once its last search is done. With <see cref="AcceptsWrites"/>, also opens its writer and
    /// applies the admin journal's changes the generation's last commit does not hold.
    /// </summary>
    public void Open()
    {
        lock (_writeLock)
        {
            lock (_applyLock)
            {
                lock (_openLock)
                {
                    OpenCurrent();
                }
            }
        }

        if (AcceptsWrites)
        {
            StartBackgroundWork();
        }
    }

    private void OpenCurrent()
    {
        var generation = _folder.CurrentGeneration
            ?? throw new IndexUnavailableException($"no index in {_folder.Root}: build one first");
        var directory = new MappedDirectory(generation);
        var aliases = TagAliases.Load(Path.Combine(generation, TagAliases.FileName));
        IndexWriter? writer = null;
        SearcherManager manager;
        try
        {
            var factory = new WarmingSearcherFactory(this, aliases);
            if (AcceptsWrites)
            {
                // Reopening the generation already open: its writer holds the folder's write lock, so it
                // commits and closes first (its searchers stay valid until their last search ends).
                if (Volatile.Read(ref _open) is { Writer: { } current } open && SameFolder(open.Generation, generation))
                {
                    CommitWriter(current, Interlocked.Read(ref _appliedSequence));
                    current.Dispose(waitForMerges: false);
                }

                writer = OpenWriter(directory, aliases);
                manager = new SearcherManager(writer, applyAllDeletes: true, factory);
            }
            else
            {
                manager = new SearcherManager(directory, factory);
            }
        }
        catch
        {
            writer?.Dispose();
            directory.Dispose();
            throw;
        }

        var previous = Interlocked.Exchange(ref _open, new OpenGeneration(generation, directory, manager, aliases, writer));
        OpenedAt = DateTimeOffset.UtcNow;
        previous?.Retire();
    }

    public IndexStats Stats() => WithSearcher((searcher, open) =>
        new IndexStats(searcher.IndexReader.NumDocs, Path.GetFileName(open.Generation)));

    /// <summary>Runs a search: top hits, highlighted snippets and tag counts over the whole result set, in one pass.</summary>
    /// <summary>
    /// A search. Answers are cached per index version and synonym list (the 2,000 most recently
    /// used; partial answers are not kept): widgets and popular searches repeat.
    /// </summary>
    public SearchPage Search(SearchRequest request)
    {
        var clock = Stopwatch.StartNew();
        var synonyms = _synonyms.Current;
        var key = string.Create(CultureInfo.InvariantCulture, $"{Version()}|{synonyms.Fingerprint}|{System.Text.Json.JsonSerializer.Serialize(request)}");
        var page = CacheAnswers ? _searches.GetOrAdd(key, () => Compute(request), p => !p.Partial) : Compute(request);
        return page with { TookMs = Math.Round(clock.Elapsed.TotalMilliseconds, 2) };
    }

    /// <summary>How far the index may change before scoring statistics are read again (<see cref="StatisticsEpoch"/>).</summary>
    internal double StatisticsDrift { get; init; } = StatisticsEpoch.DefaultDrift;

    /// <summary>Runs searches segment by segment, keeping the tallies of large segments across refreshes.</summary>
    internal SegmentSearch Segments { get; set; } = new();

    /// <summary>Whether answers are cached (benchmarks turn it off to measure the engine).</summary>
    internal bool CacheAnswers { get; set; } = true;

    /// <summary>Answers served from the cache, and answers computed.</summary>
    public (long Hits, long Misses) CacheStats => (_searches.Hits + _clouds.Hits, _searches.Misses + _clouds.Misses);

    private readonly ResultCache<SearchPage> _searches = new(2_000);
    private readonly ResultCache<TagCloud> _clouds = new(500);

    private SearchPage Compute(SearchRequest request)
    {
        var clock = Stopwatch.StartNew();
        var parsed = UserQuery.Parse(request.Query);
        var synonyms = _synonyms.Current;
        var textQuery = QueryFactory.Build(parsed, synonyms);
        var highlight = QueryFactory.HighlightTerms(parsed, synonyms);

        var size = Math.Clamp(request.Size, 1, SearchRequest.MaxSize);
        var page = request.Cursor != null ? 1 : Math.Max(1, request.Page);
        var depth = Math.Min(page * size, SearchRequest.MaxDepth);

        return WithSearcher((searcher, open) =>
        {
            var facts = Facts(searcher.IndexReader, open.Aliases);
            var selected = request.Tags.Select(open.Aliases.Key).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).Take(MaxSelectedTags).ToList();
            var plan = new FacetPlan(
                Math.Max(1, depth),
                request.Sort == SearchSort.Date,
                SegmentCache.Day(facts.NewestMillis),
                selected,
                request.TagMode == TagMode.All,
                string.IsNullOrWhiteSpace(request.Rubric) ? null : facts.ResolveRubric(request.Rubric),
                request.From?.ToUnixTimeMilliseconds(),
                request.To?.ToUnixTimeMilliseconds(),
                CountFacets: request.FacetLimit > 0,
                Deadline: Deadline(clock),
                After: request.Cursor == null ? null : ReadCursor(request.Cursor, Version()));

            // No Lucene filter: the collector applies the filters itself, so that each facet can be
            // counted without its own filter in the same pass.
            // Typo tolerance: the words the index does not know well may also match approximately.
            // A word unknown to the index sends the search there at once; otherwise it goes there
            // when the exact search finds few articles.
            var unknownWord = false;
            var fuzzy = textQuery != null && request.TypoTolerance
                ? Typos.Candidates(parsed, searcher.IndexReader, synonyms, out unknownWord)
                : [];
            var typoTolerant = fuzzy.Count > 0 && unknownWord;
            var collector = new FacetedCollector(plan);
            var partial = !Within(() => Segments.Run(searcher, typoTolerant ? QueryFactory.Build(parsed, synonyms, fuzzy)! : textQuery ?? new MatchAllDocsQuery(), collector));
            var exactTotal = typoTolerant ? -1 : collector.TotalHits;
            if (!partial && !typoTolerant && fuzzy.Count > 0 && collector.TotalHits < Typos.FewResults)
            {
                var fuzzyCollector = new FacetedCollector(plan);
                if (Within(() => Segments.Run(searcher, QueryFactory.Build(parsed, synonyms, fuzzy)!, fuzzyCollector)))
                {
                    collector = fuzzyCollector;
                    typoTolerant = true;
                }
            }

            // "Did you mean": shown when the corrected query finds at least as many articles — more,
            // or the same ones with the words spelled right (stemming and accent folding had already
            // forgiven them). Counted only when that is not certain beforehand: words are OR-ed, so
            // replacing words the index does not know at all can only add articles.
            string? suggestion = null;
            if (!partial && request.Suggest && textQuery != null && Spelling.Correct(parsed, searcher.IndexReader, facts.Vocabulary(), synonyms) is { } corrected)
            {
                var correctedQuery = UserQuery.Parse(corrected);
                if (Spelling.SameStems(parsed, correctedQuery) || Spelling.OnlyUnknownWordsReplaced(parsed, correctedQuery, searcher.IndexReader))
                {
                    suggestion = corrected;
                }
                else if (QueryFactory.Build(correctedQuery, synonyms) is { } rewritten)
                {
                    if (exactTotal < 0)
                    {
                        var exact = new FacetedCollector(plan with { CountFacets = false, Depth = 1 });
                        exactTotal = Within(() => Segments.Run(searcher, textQuery, exact)) ? exact.TotalHits : int.MaxValue;
                    }

                    var counter = new FacetedCollector(plan with { CountFacets = false, Depth = 1 });
                    if (Within(() => Segments.Run(searcher, rewritten, counter)) && counter.TotalHits > 0 && counter.TotalHits >= exactTotal)
                    {
                        suggestion = corrected;
                    }
                }
            }

            var top = collector.Hits((page - 1) * size, size);
            var consumed = request.Cursor == null ? (long)(page - 1) * size + top.Length : -1;
            string? nextCursor = top.Length == size && collector.LastRank is { } last && (consumed < 0 || consumed < collector.TotalHits)
                ? WriteCursor(Version(), last)
                : null;

            var hits = new List<ArticleHit>(top.Length);
            var termsKey = CacheAnswers ? HitCache.TermsKey(highlight) : "";
            foreach (var scoreDoc in top)
            {
                var shown = CacheAnswers
                    ? _shownHits.Get(searcher, scoreDoc.Doc, highlight, termsKey, HitFields)
                    : ShownArticle.From(searcher.Doc(scoreDoc.Doc, HitFields), highlight);
                hits.Add(ToHit(shown, scoreDoc.Score, facts));
            }

            return new SearchPage(
                collector.TotalHits,
                Math.Round(clock.Elapsed.TotalMilliseconds, 2),
                page,
                size,
                hits,
                plan.CountFacets ? Facets.Tags(collector, plan, request, facts.Labels) : [],
                plan.CountFacets ? Facets.Rubrics(collector, request, facts.RubricLabels) : [],
                plan.CountFacets ? Facets.Dates(collector, request) : [],
                parsed.Effective,
                parsed.Truncated)
            {
                TypoTolerant = typoTolerant,
                Suggestion = suggestion,
                Partial = partial,
                NextCursor = nextCursor,
            };
        });
    }

    /// <summary>Autocomplete: up to <paramref name="limit"/> (at most 10) completions of the last word, tag labels and titles.</summary>
    public CompletionList Complete(string typed, int limit = 10) => WithSearcher((searcher, open) =>
        Completions.Complete(searcher, Facts(searcher.IndexReader, open.Aliases), typed, limit));

    private static string WriteCursor(string version, (double Rank, int Doc) last) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{version}|{last.Rank:R}|{last.Doc}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (double Rank, int Doc) ReadCursor(string cursor, string version)
    {
        string text;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            throw new InvalidCursorException("cursor is not one this API gave: pass the nextCursor of the previous page.");
        }

        var parts = text.Split('|');
        if (parts.Length != 3 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rank) || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var doc))
        {
            throw new InvalidCursorException("cursor is not one this API gave: pass the nextCursor of the previous page.");
        }

        if (parts[0] != version)
        {
            throw new InvalidCursorException("cursor has expired: the index changed since; start again from the first page.");
        }

        return (rank, doc);
    }

    private long Deadline(Stopwatch clock) =>
        TimeBudget == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() - clock.ElapsedTicks + (long)(TimeBudget.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Runs a search step; false when it ran past the time budget (its collector keeps what it had).</summary>
    private static bool Within(Action search)
    {
        try
        {
            search();
            return true;
        }
        catch (SearchBudgetExceededException)
        {
            return false;
        }
    }

    /// <summary>At most this many selected tags are applied.</summary>
    public const int MaxSelectedTags = 20;

    /// <summary>Tags with their article counts, in the whole index or a search's results; optionally those with a word starting like a prefix.</summary>
    public TagListPage ListTags(TagListRequest request) => WithSearcher((searcher, open) =>
        TagCatalog.List(searcher, Facts(searcher.IndexReader, open.Aliases), request));

    /// <summary>A tag's page by any spelling, slug or alias, or null when no article carries it.</summary>
    public TagDetail? GetTag(string tag, int page = 1, int size = 10) => WithSearcher((searcher, open) =>
        TagCatalog.Detail(searcher, Facts(searcher.IndexReader, open.Aliases), tag, page, size,
            key => Search(new SearchRequest { Tags = [key], Sort = SearchSort.Date, Page = page, Size = size, FacetLimit = 0 }).Hits));

    /// <summary>A tag cloud, with wp_tag_cloud's parameters.</summary>
    public TagCloud TagCloud(TagCloudRequest request) => CacheAnswers
        ? _clouds.GetOrAdd(Version() + "|" + System.Text.Json.JsonSerializer.Serialize(request), () => ComputeCloud(request))
        : ComputeCloud(request);

    private TagCloud ComputeCloud(TagCloudRequest request) => WithSearcher((searcher, open) =>
        TagCatalog.Cloud(searcher, Facts(searcher.IndexReader, open.Aliases), request));

    /// <summary>Groups of tags that are probably one, largest first.</summary>
    public IReadOnlyList<TagDuplicateGroup> TagDuplicates(int limit = 50) => WithSearcher((searcher, open) =>
        TagCatalog.Duplicates(searcher.IndexReader, Facts(searcher.IndexReader, open.Aliases), limit));

    /// <summary>
    /// A token that changes whenever what the index answers may change (another generation, or
    /// another reader version of it): the basis of HTTP ETags.
    /// </summary>
    public string Version() => WithSearcher((searcher, open) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(open.Generation)}.{((DirectoryReader)searcher.IndexReader).Version}"));

    /// <summary>Articles related to an indexed one ("À lire aussi"), each with why; null when the id is unknown.</summary>
    public IReadOnlyList<RelatedArticle>? Related(string id, RelatedRequest request) => WithSearcher((searcher, open) =>
    {
        var source = Relatedness.Source(searcher, id, out var docId);
        return source == null ? null : Relatedness.Find(searcher, Facts(searcher.IndexReader, open.Aliases), source, docId, request);
    });

    /// <summary>Earlier coverage for a draft that is not in the index.</summary>
    public IReadOnlyList<RelatedArticle> RelatedToDraft(Draft draft, RelatedRequest request) => WithSearcher((searcher, open) =>
        Relatedness.Find(searcher, Facts(searcher.IndexReader, open.Aliases), draft, -1, request));

    /// <summary>An article by id, or null.</summary>
    public Article? GetArticle(string id) => WithSearcher((searcher, _) =>
    {
        var top = searcher.Search(new TermQuery(new Term(ArticleDocument.Id, id)), 1);
        return top.TotalHits == 0 ? null : ArticleDocument.ToArticle(searcher.Doc(top.ScoreDocs[0].Doc));
    });

    /// <summary>An article by its slug (the newest when two share one), or null.</summary>
    public Article? GetArticleBySlug(string slug) => WithSearcher((searcher, _) =>
    {
        var newest = new Sort(new SortField(ArticleDocument.Published, SortFieldType.INT64, reverse: true));
        var top = searcher.Search(new TermQuery(new Term(ArticleDocument.Slug, slug)), null, 1, newest);
        return top.TotalHits == 0 ? null : ArticleDocument.ToArticle(searcher.Doc(top.ScoreDocs[0].Doc));
    });

    /// <summary>Borrows the current searcher for one call and always gives it back.</summary>
    private T WithSearcher<T>(Func<IndexSearcher, OpenGeneration, T> work)
    {
        OpenGeneration open;
        // A generation being retired (a rebuild was swapped in) takes no new searches.
        do
        {
            open = Volatile.Read(ref _open) ?? throw new IndexUnavailableException("the index is not open yet");
        }
        while (!open.TryEnter());

        try
        {
            var searcher = open.Manager.Acquire();
            try
            {
                return work(searcher, open);
            }
            finally
            {
                open.Manager.Release(searcher);
            }
        }
        finally
        {
            open.Exit();
        }
    }

    /// <summary>The stored fields a hit shows (not the HTML source, author or update date).</summary>
    private static readonly HashSet<string> HitFields =
    [
        ArticleDocument.Id, ArticleDocument.Slug, ArticleDocument.Url, ArticleDocument.Title, ArticleDocument.Summary,
        ArticleDocument.Body, ArticleDocument.PublishedIso, ArticleDocument.RubricPath, ArticleDocument.TagLabel,
    ];

    /// <summary>Stored documents shown as hits, highlighted, kept across refreshes.</summary>
    private readonly HitCache _shownHits = new();

    /// <summary>Hits shown from the hit cache, and hits loaded and highlighted.</summary>
    internal (long Hits, long Misses) ShownHitStats => _shownHits.Stats;

    private static ArticleHit ToHit(ShownArticle shown, float score, ReaderFacts facts)
    {
        // Tag labels are elected over the whole index: mapped for each answer, not kept with the hit.
        var tags = shown.TagLabels
            .Select(facts.Aliases.Key)
            .Distinct(StringComparer.Ordinal)
            .Select(key => facts.Labels.GetValueOrDefault(key, key))
            .ToList();
        return shown.Hit with { Tags = tags, Score = float.IsNaN(score) ? 0 : score };
    }

    private ReaderFacts Facts(IndexReader reader, TagAliases aliases) => _facts.GetValue(reader, r => ReaderFacts.Read(r, aliases, _vocabulary));

    private readonly VocabularyKeeper _vocabulary = new();

    /// <summary>
    /// An open generation: its directory, searcher manager, aliases and (when the index accepts
    /// writes) its writer. Counts the searches running on it, so that retiring it (a rebuild is
    /// swapped in) closes it only once the last of them is done.
    /// </summary>
    private sealed class OpenGeneration(string generation, Lucene.Net.Store.Directory directory, SearcherManager manager, TagAliases aliases, IndexWriter? writer)
    {
        private int _users;
        private int _retired;
        private int _closed;

        public string Generation { get; } = generation;

        public SearcherManager Manager { get; } = manager;

        public TagAliases Aliases { get; } = aliases;

        public IndexWriter? Writer { get; } = writer;

        public bool Retired => Volatile.Read(ref _retired) == 1;

        public bool TryEnter()
        {
            Interlocked.Increment(ref _users);
            if (Volatile.Read(ref _retired) == 0)
            {
                return true;
            }

            Exit();
            return false;
        }

        public void Exit()
        {
            if (Interlocked.Decrement(ref _users) == 0 && Volatile.Read(ref _retired) == 1)
            {
                Close();
            }
        }

        /// <summary>No new searches; closed when the running ones are done. Its writer's uncommitted changes are dropped: they are in the journal.</summary>
        public void Retire()
        {
            Interlocked.Exchange(ref _retired, 1);
            if (Volatile.Read(ref _users) == 0)
            {
                Close();
            }
        }

        /// <summary>Commits the writer's changes up to <paramref name="sequence"/> and closes everything (shutdown).</summary>
        public void CommitAndClose(long sequence)
        {
            Interlocked.Exchange(ref _retired, 1);
            if (Writer != null && Volatile.Read(ref _closed) == 0)
            {
                CommitWriter(Writer, sequence);
            }

            if (Volatile.Read(ref _users) == 0)
            {
                Close();
            }
        }

        private void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }

            Manager.Dispose();
            if (Writer != null)
            {
                try
                {
                    Writer.Rollback();
                }
                catch (ObjectDisposedException)
                {
                }
            }

            directory.Dispose();
        }
    }

    /// <summary>Searchers score with BM25 and their epoch's statistics, and each new one has its facts computed before it serves (on the refresh thread, not a reader's).</summary>
    private sealed class WarmingSearcherFactory(SearchIndex index, TagAliases aliases) : SearcherFactory
    {
        private StatisticsEpoch? _epoch;

        /// <summary>Called by the searcher manager, one refresh at a time.</summary>
        public override IndexSearcher NewSearcher(IndexReader reader)
        {
            _epoch = StatisticsEpoch.For(_epoch, reader, index.StatisticsDrift);
            var searcher = new EpochSearcher(reader, _epoch);
            index.Facts(reader, aliases);
            return searcher;
        }
    }
}
