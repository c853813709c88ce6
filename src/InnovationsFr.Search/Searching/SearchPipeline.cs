using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// The search pipeline, on one borrowed searcher: parse the reader's query once, build the Lucene
/// query, collect top hits and facets in one pass (<see cref="FacetedCollector"/>), retry with
/// typo tolerance when needed, offer "did you mean", then show the hits (stored fields and
/// snippets, kept across refreshes by <see cref="HitCache"/>). Answers are cached per searcher
/// version and synonym list (the 2,000 most recently used; partial answers are not kept): widgets
/// and popular searches repeat. No lock: the caches are thread-safe, the rest is per request.
/// </summary>
internal sealed class SearchPipeline(TimeSpan timeBudget)
{
    /// <summary>At most this many selected tags are applied.</summary>
    public const int MaxSelectedTags = 20;

    private readonly ResultCache<SearchPage> _searches = new(2_000);
    private readonly ResultCache<TagCloud> _clouds = new(500);
    private readonly HitCache _shownHits = new();

    /// <summary>Runs searches segment by segment, keeping the tallies of large segments across refreshes.</summary>
    public SegmentSearch Segments { get; set; } = new();

    /// <summary>Whether answers are cached (benchmarks turn it off to measure the engine).</summary>
    public bool CacheAnswers { get; set; } = true;

    /// <summary>Answers served from the cache, and answers computed.</summary>
    public (long Hits, long Misses) CacheStats => (_searches.Hits + _clouds.Hits, _searches.Misses + _clouds.Misses);

    /// <summary>Hits shown from the hit cache, and hits loaded and highlighted.</summary>
    public (long Hits, long Misses) ShownHitStats => _shownHits.Stats;

    /// <summary>Run after a page is computed, before its cursor is written (tests change the index there).</summary>
    internal Action? PageComputed { get; set; }

    public SearchPage Search(SearcherLease lease, SearchRequest request, Synonyms synonyms)
    {
        var clock = Stopwatch.StartNew();
        if (!CacheAnswers)
        {
            return Compute(lease, request, synonyms);
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{lease.Version}|{synonyms.Fingerprint}|{System.Text.Json.JsonSerializer.Serialize(request)}");
        var page = _searches.GetOrAdd(key, () => Compute(lease, request, synonyms), p => !p.Partial);
        return page with { TookMs = Math.Round(clock.Elapsed.TotalMilliseconds, 2) };
    }

    /// <summary>A tag cloud, cached like searches.</summary>
    public TagCloud TagCloud(SearcherLease lease, TagCloudRequest request) => CacheAnswers
        ? _clouds.GetOrAdd(lease.Version + "|" + System.Text.Json.JsonSerializer.Serialize(request), () => TagCatalog.Cloud(lease.Searcher, lease.Facts, request))
        : TagCatalog.Cloud(lease.Searcher, lease.Facts, request);

    private SearchPage Compute(SearcherLease lease, SearchRequest request, Synonyms synonyms)
    {
        var clock = Stopwatch.StartNew();
        var searcher = lease.Searcher;
        var facts = lease.Facts;
        var parsed = UserQuery.Parse(request.Query);
        var textQuery = QueryFactory.Build(parsed, synonyms);

        var size = Math.Clamp(request.Size, 1, SearchRequest.MaxSize);
        var page = request.Cursor != null ? 1 : Math.Max(1, request.Page);
        var depth = Math.Min(page * size, SearchRequest.MaxDepth);
        var selected = request.Tags.Select(lease.Aliases.Key).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).Take(MaxSelectedTags).ToList();
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
            After: request.Cursor == null ? null : Cursor.Read(request.Cursor, lease.Version));

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

        var suggestion = !partial && request.Suggest && textQuery != null
            ? Suggestion(searcher, facts, parsed, synonyms, plan, textQuery, exactTotal)
            : null;

        var top = collector.Hits((page - 1) * size, size);
        PageComputed?.Invoke();
        var consumed = request.Cursor == null ? (long)(page - 1) * size + top.Length : -1;
        // The cursor names the version of the searcher that ranked this page, not whatever is served now.
        string? nextCursor = top.Length == size && collector.LastRank is { } last && (consumed < 0 || consumed < collector.TotalHits)
            ? Cursor.Write(lease.Version, last)
            : null;

        var highlight = QueryFactory.HighlightTerms(parsed, synonyms);
        var termsKey = CacheAnswers ? HitCache.TermsKey(highlight) : "";
        var hits = new List<ArticleHit>(top.Length);
        foreach (var scoreDoc in top)
        {
            var shown = CacheAnswers
                ? _shownHits.Get(searcher, scoreDoc.Doc, highlight, termsKey)
                : ShownArticle.From(ArticleDocument.Load(searcher, scoreDoc.Doc, ArticleDocument.ShownFields), highlight);
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
    }

    /// <summary>
    /// "Did you mean": shown when the corrected query finds at least as many articles — more, or the
    /// same ones with the words spelled right (stemming and accent folding had already forgiven
    /// them). Counted only when that is not certain beforehand: words are OR-ed, so replacing words
    /// the index does not know at all can only add articles.
    /// </summary>
    private string? Suggestion(IndexSearcher searcher, ReaderFacts facts, UserQuery parsed, Synonyms synonyms, FacetPlan plan, Query textQuery, int exactTotal)
    {
        if (Spelling.Correct(parsed, searcher.IndexReader, facts.Vocabulary(), synonyms) is not { } corrected)
        {
            return null;
        }

        var correctedQuery = UserQuery.Parse(corrected, reuse: parsed);
        if (Spelling.SameStems(parsed, correctedQuery) || Spelling.OnlyUnknownWordsReplaced(parsed, correctedQuery, searcher.IndexReader))
        {
            return corrected;
        }

        if (QueryFactory.Build(correctedQuery, synonyms) is not { } rewritten)
        {
            return null;
        }

        if (exactTotal < 0)
        {
            var exact = new FacetedCollector(plan with { CountFacets = false, Depth = 1 });
            exactTotal = Within(() => Segments.Run(searcher, textQuery, exact)) ? exact.TotalHits : int.MaxValue;
        }

        var counter = new FacetedCollector(plan with { CountFacets = false, Depth = 1 });
        return Within(() => Segments.Run(searcher, rewritten, counter)) && counter.TotalHits > 0 && counter.TotalHits >= exactTotal
            ? corrected
            : null;
    }

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

    private long Deadline(Stopwatch clock) =>
        timeBudget == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() - clock.ElapsedTicks + (long)(timeBudget.TotalSeconds * Stopwatch.Frequency);

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
}
