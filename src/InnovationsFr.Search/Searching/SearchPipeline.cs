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

    public SearchPage Search(SearcherLease lease, SearchRequest request, Synonyms synonyms, RankingModel? ranking = null)
    {
        var clock = Stopwatch.StartNew();
        if (!CacheAnswers)
        {
            return Compute(lease, request, synonyms, ranking);
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{lease.Version}|{synonyms.Fingerprint}|{ranking?.Fingerprint}|{System.Text.Json.JsonSerializer.Serialize(request)}");
        var page = _searches.GetOrAdd(key, () => Compute(lease, request, synonyms, ranking), p => !p.Partial);
        return page with { TookMs = Math.Round(clock.Elapsed.TotalMilliseconds, 2) };
    }

    /// <summary>
    /// A query's first <see cref="RankingModel.Depth"/> candidates as the service's first stage ranks
    /// them (typo fallback included), with their article ids and ranking features: what a ranking model learns from.
    /// </summary>
    public IReadOnlyList<(string Id, float[] Features)> Candidates(SearcherLease lease, string query, Synonyms synonyms, RankingPriors? priors)
    {
        var parsed = UserQuery.Parse(query);
        if (QueryFactory.Build(parsed, synonyms) is not { } textQuery)
        {
            return [];
        }

        var plan = new FacetPlan(RankingModel.Depth, ByDate: false, SegmentCache.Day(lease.Facts.NewestMillis), [], AllTags: true, null, null, null, CountFacets: false);
        var (collector, typoTolerant, _, _, matching) = FirstStage(lease.Searcher, parsed, textQuery, typoTolerance: true, plan, synonyms);
        var head = Head(lease.Searcher, parsed, collector.Ranked(RankingModel.Depth), priors, matching);
        var (rows, ids) = RankingFeatures.Compute(lease.Searcher, parsed, head, typoTolerant, lease.Facts.NewestMillis, priors);
        return ids.Zip(rows).ToList();
    }

    /// <summary>
    /// What a learned ranking re-orders: the first stage's top <see cref="RankingModel.Depth"/>, then
    /// up to <see cref="RankingModel.Suggested"/> articles the judgments name for queries like this
    /// one that the first stage ranked lower (score 0). Only articles the first stage's query
    /// (<paramref name="matching"/>) matches, and only when no filter applies: the page then shows
    /// nothing the total does not count. Null <paramref name="matching"/>: none added.
    /// </summary>
    private static List<ScoreDoc> Head(IndexSearcher searcher, UserQuery parsed, (ScoreDoc Hit, double Rank)[] ranked, RankingPriors? priors, Query? matching)
    {
        var head = ranked.Take(RankingModel.Depth).Select(r => r.Hit).ToList();
        if (priors == null || matching == null || head.Count < RankingModel.Depth)
        {
            // Fewer than the head's worth of matches: every match is there already.
            return head;
        }

        var present = head.Select(h => h.Doc).ToHashSet();
        foreach (var doc in Suggested(searcher, parsed, priors, matching))
        {
            if (present.Add(doc))
            {
                head.Add(new ScoreDoc(doc, 0));
            }
        }

        return head;
    }

    /// <summary>The documents of the articles the judgments suggest for the query (see <see cref="RankingPriors"/>) that <paramref name="matching"/> matches.</summary>
    private static List<int> Suggested(IndexSearcher searcher, UserQuery parsed, RankingPriors priors, Query matching)
    {
        var docs = new List<int>();
        Weight? weight = null;
        foreach (var id in priors.Suggest(parsed.WantedStems, RankingModel.Suggested, RankingModel.SuggestedOverlap))
        {
            if (ArticleDocument.Find(searcher.IndexReader, id) is not { } doc || docs.Contains(doc))
            {
                continue;
            }

            weight ??= searcher.CreateNormalizedWeight(matching);
            var leaves = searcher.IndexReader.Leaves;
            var leaf = leaves[Lucene.Net.Index.ReaderUtil.SubIndex(doc, leaves)];
            var local = doc - leaf.DocBase;
            if (weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs) is { } scorer && scorer.Advance(local) == local)
            {
                docs.Add(doc);
            }
        }

        return docs;
    }

    /// <summary>A tag cloud, cached like searches.</summary>
    public TagCloud TagCloud(SearcherLease lease, TagCloudRequest request) => CacheAnswers
        ? _clouds.GetOrAdd(lease.Version + "|" + System.Text.Json.JsonSerializer.Serialize(request), () => TagCatalog.Cloud(lease.Searcher, lease.Facts, request))
        : TagCatalog.Cloud(lease.Searcher, lease.Facts, request);

    private SearchPage Compute(SearcherLease lease, SearchRequest request, Synonyms synonyms, RankingModel? ranking)
    {
        var clock = Stopwatch.StartNew();
        var searcher = lease.Searcher;
        var facts = lease.Facts;
        var parsed = UserQuery.Parse(request.Query);
        var textQuery = QueryFactory.Build(parsed, synonyms);

        // A learned ranking re-orders the first stage's head: its cursors name the model too (a new model expires them).
        var reorder = ranking != null && request.Sort == SearchSort.Relevance && textQuery != null;
        var version = reorder ? lease.Version + "~" + ranking!.Fingerprint : lease.Version;
        var (after, offset) = request.Cursor == null ? (null, 0) : Cursor.Read(request.Cursor, version);
        // Articles the judgments suggest join the head only under no filter (see Head); past the head
        // (a rank cursor), they are stepped over.
        var unfiltered = request.Tags.Count == 0 && string.IsNullOrWhiteSpace(request.Rubric) && request.From == null && request.To == null;
        var pastHead = reorder && after != null && ranking!.Priors != null && unfiltered;
        reorder &= after == null;

        var size = Math.Clamp(request.Size, 1, SearchRequest.MaxSize);
        var page = request.Cursor != null ? 1 : Math.Max(1, request.Page);
        var start = request.Cursor != null ? offset : (page - 1) * size;
        var depth = Math.Min(start + size, SearchRequest.MaxDepth);
        if (reorder || pastHead)
        {
            // The whole head, and enough beyond a page for the suggested articles it steps over.
            depth = Math.Min((reorder ? Math.Max(depth, RankingModel.Depth) : depth) + RankingModel.Suggested, SearchRequest.MaxDepth);
        }

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
            After: after);

        var (collector, typoTolerant, partial, exactTotal, matching) = FirstStage(searcher, parsed, textQuery, request.TypoTolerance, plan, synonyms);
        var suggestion = !partial && request.Suggest && textQuery != null
            ? Suggestion(searcher, facts, parsed, synonyms, plan, textQuery, exactTotal)
            : null;

        ScoreDoc[] top;
        string? nextCursor;
        if (reorder)
        {
            // The model re-orders the head; past it, the first stage's order goes on, and so do its cursors.
            var ranked = collector.Ranked(depth);
            var head = Head(searcher, parsed, ranked, ranking!.Priors, unfiltered ? matching : null);
            var scores = ranking.Score(RankingFeatures.Compute(searcher, parsed, head, typoTolerant, facts.NewestMillis, ranking.Priors).Rows);
            var inHead = head.Select(h => h.Doc).ToHashSet();
            var tail = ranked.Skip(RankingModel.Depth).Where(r => !inHead.Contains(r.Hit.Doc)).ToList();
            var order = Enumerable.Range(0, head.Count).OrderByDescending(i => scores[i]).ThenBy(i => i);
            top = order.Select(i => new ScoreDoc(head[i].Doc, scores[i]))
                .Concat(tail.Select(r => r.Hit))
                .Skip(start).Take(size).ToArray();
            PageComputed?.Invoke();
            var end = start + top.Length;
            nextCursor = top.Length == size && end < collector.TotalHits
                ? end <= head.Count ? Cursor.WriteOffset(version, end) : Cursor.Write(version, (tail[end - head.Count - 1].Rank, tail[end - head.Count - 1].Hit.Doc))
                : null;
        }
        else if (pastHead)
        {
            // Past a re-ordered head: the articles the judgments suggested were shown in it already.
            var suggested = Suggested(searcher, parsed, ranking!.Priors!, matching).ToHashSet();
            var ranked = collector.Ranked(size + suggested.Count).Where(r => !suggested.Contains(r.Hit.Doc)).Take(size).ToArray();
            top = ranked.Select(r => r.Hit).ToArray();
            PageComputed?.Invoke();
            nextCursor = top.Length == size ? Cursor.Write(version, (ranked[^1].Rank, ranked[^1].Hit.Doc)) : null;
        }
        else
        {
            top = collector.Hits(start, size);
            PageComputed?.Invoke();
            var consumed = request.Cursor == null ? (long)start + top.Length : -1;
            // The cursor names the version of the searcher that ranked this page, not whatever is served now.
            nextCursor = top.Length == size && collector.LastRank is { } last && (consumed < 0 || consumed < collector.TotalHits)
                ? Cursor.Write(version, last)
                : null;
        }

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
    /// The first stage: the query over every segment into one collector (hits and facets in one pass;
    /// no Lucene filter: the collector applies the filters itself, so that each facet can be counted
    /// without its own filter). Typo tolerance: the words the index does not know well may also match
    /// approximately. A word unknown to the index sends the search there at once; otherwise it goes
    /// there when the exact search finds few articles.
    /// </summary>
    private (FacetedCollector Collector, bool TypoTolerant, bool Partial, int ExactTotal, Query Matching) FirstStage(IndexSearcher searcher, UserQuery parsed, Query? textQuery, bool typoTolerance, FacetPlan plan, Synonyms synonyms)
    {
        var unknownWord = false;
        var fuzzy = textQuery != null && typoTolerance
            ? Typos.Candidates(parsed, searcher.IndexReader, synonyms, out unknownWord)
            : [];
        var typoTolerant = fuzzy.Count > 0 && unknownWord;
        var collector = new FacetedCollector(plan);
        var matching = typoTolerant ? QueryFactory.Build(parsed, synonyms, fuzzy)! : textQuery ?? new MatchAllDocsQuery();
        var partial = !Within(() => Segments.Run(searcher, matching, collector));
        var exactTotal = typoTolerant ? -1 : collector.TotalHits;
        if (!partial && !typoTolerant && fuzzy.Count > 0 && collector.TotalHits < Typos.FewResults)
        {
            var fuzzyCollector = new FacetedCollector(plan);
            var fuzzyQuery = QueryFactory.Build(parsed, synonyms, fuzzy)!;
            if (Within(() => Segments.Run(searcher, fuzzyQuery, fuzzyCollector)))
            {
                collector = fuzzyCollector;
                matching = fuzzyQuery;
                typoTolerant = true;
            }
        }

        return (collector, typoTolerant, partial, exactTotal, matching);
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
