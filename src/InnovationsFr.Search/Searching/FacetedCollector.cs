using System.Numerics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

// Over 400 lines on purpose: the per-hit path (filters, ranking, the three facet counts, deletions
// subtracted on replay) is read as one; its per-segment tally lives in SegmentTally.cs.
namespace InnovationsFr.Search;

/// <summary>
/// One pass over every document the text query matches. Each hit is checked against the three
/// filter dimensions (tags, rubric, dates) from per-segment arrays; the hits passing all three are
/// ranked (score × recency, or date), and each dimension is counted over the hits passing the
/// <em>other</em> two (Elasticsearch post_filter / Solr tag-exclude). For tags with "all", the
/// count given is the number of results the search would have with that tag toggled; with "any",
/// the tag's own count within the other filters (see <see cref="Facets.Tags"/>).
/// Each segment is counted into a <see cref="SegmentTally"/> of its own and added to the totals when
/// the next begins; <see cref="SegmentSearch"/> keeps the tallies of large segments so that a search
/// repeated after an index refresh replays them instead of scoring those segments again.
/// </summary>
internal sealed partial class FacetedCollector : ICollector
{
    /// <summary>
    /// Candidates a kept tally holds beyond the page depth, so that later deletions rarely exhaust it
    /// (then the segment is searched again). Small: a pruned search's threshold is the last
    /// candidate's rank, and 64 made a top 10 score 4.6× as many documents as 8 did.
    /// </summary>
    internal const int CandidateMargin = 8;

    private const int FirstYear = 1970;
    private const int MonthSlots = 200 * 12;

    private readonly FacetPlan _plan;
    private readonly PriorityQueue<int, (double Rank, float Score, int Doc)> _top;
    private readonly int _selectedCount;
    private readonly Dictionary<string, int> _present = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _toggle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rubrics = new(StringComparer.Ordinal);
    /// <summary>Counts by month since January 1970 (a flat array: a dictionary per hit showed in profiles).</summary>
    private readonly int[] _months = new int[MonthSlots];
    private readonly int[] _selectedShift;
    private readonly int _allSelectedMask;
    private readonly HashSet<int> _rubricOrds = [];
    private int _totalHits;
    private int _tagBase;
    private int _tagBasePassing;

    // The segment being collected.
    private Scorer? _scorer;
    private int _matches;
    private AtomicReaderContext? _context;
    private SegmentCache? _cache;
    private SegmentTally? _tally;
    private int[] _selectedIndexByOrd = [];

    public FacetedCollector(FacetPlan plan)
    {
        _plan = plan;
        _top = new PriorityQueue<int, (double, float, int)>(plan.Depth + 1, WorstFirst.Instance);
        _selectedCount = Math.Min(plan.SelectedTags.Count, 30);
        _selectedShift = new int[_selectedCount];
        _allSelectedMask = (1 << _selectedCount) - 1;
    }

    public FacetPlan Plan => _plan;

    public int TotalHits
    {
        get
        {
            FinishSegment();
            return _totalHits;
        }
    }

    /// <summary>Hits that pass the rubric and date filters: the base of the tag counts.</summary>
    public int TagBase
    {
        get
        {
            FinishSegment();
            return _tagBase;
        }
    }

    /// <summary>Hits of the tag base that pass the tag filter.</summary>
    public int TagBasePassing
    {
        get
        {
            FinishSegment();
            return _tagBasePassing;
        }
    }

    /// <summary>For each selected tag, the base hits that unticking it would add ("all" only).</summary>
    public int[] SelectedShift
    {
        get
        {
            FinishSegment();
            return _selectedShift;
        }
    }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context) => Begin(context, keep: false);

    /// <summary>
    /// Starts a segment. With <paramref name="keep"/>, the query is run over the segment's deleted
    /// documents too and each match is remembered, so that the finished tally stays valid for the
    /// segment's later readers, which only ever delete more: their deletions are subtracted when
    /// it is replayed (<see cref="Replay"/>).
    /// </summary>
    public void Begin(AtomicReaderContext context, bool keep)
    {
        FinishSegment();
        CheckDeadline();
        Prepare(context);
        _tally = new SegmentTally(_cache!, _selectedCount, _plan.Depth + (keep ? CandidateMargin : 0), keep ? context.AtomicReader.MaxDoc : 0);
    }

    /// <summary>Ends the segment begun by <see cref="Begin"/>: adds its tally, and returns it when it was kept (null when deletions left too few candidates, or it was not kept).</summary>
    public SegmentTally? End(out bool added)
    {
        var tally = _tally!;
        _tally = null;
        tally.Seal();
        added = Add(_context!, tally);
        return added && tally.Matched != null ? tally : null;
    }

    /// <summary>Adds a tally kept from an earlier reader of this segment; false when its candidates no longer cover a page (then the segment is searched again).</summary>
    public bool Replay(AtomicReaderContext context, SegmentTally tally)
    {
        FinishSegment();
        CheckDeadline();
        Prepare(context);
        return Add(context, tally);
    }

    public void Collect(int doc)
    {
        Tick();

        var tally = _tally!;
        tally.Matched?.Set(doc);
        if (Count(tally, doc, 1))
        {
            Rank(tally, doc, _scorer!.GetScore());
        }
    }

    /// <summary>
    /// Collects the segment begun by <see cref="Begin"/> from <paramref name="clauses"/>: counts every
    /// match from the postings alone, then ranks with MaxScore (only documents that can reach the
    /// page are scored). The same counts, totals and page as <see cref="Collect"/> over every match.
    /// </summary>
    public void Gather(QueryClauses clauses, AtomicReaderContext context, bool keep)
    {
        var tally = _tally!;
        var live = keep ? null : context.AtomicReader.LiveDocs;
        var matched = clauses.Matches(context, live);
        tally.Matched?.Or(matched);
        var filtered = _selectedCount > 0 || _plan.RubricKeys != null || _plan.FromMillis != null || _plan.ToMillis != null;
        var candidates = matched;
        if (!filtered)
        {
            var hits = (int)matched.Cardinality;
            tally.TotalHits += hits;
            if (_plan.CountFacets)
            {
                tally.TagBase += hits;
                tally.TagBasePassing += hits;
                CountUnfiltered(tally, matched, hits);
            }
        }
        else
        {
            candidates = filtered && tally.Matched != null ? (FixedBitSet)matched.Clone() : matched;
            for (var doc = matched.NextSetBit(0); doc >= 0; doc = doc + 1 < matched.Length ? matched.NextSetBit(doc + 1) : -1)
            {
                Tick();
                if (!Count(tally, doc, 1) && filtered)
                {
                    candidates.Clear(doc);
                }
            }
        }

        if (_plan.ByDate)
        {
            RankByDate(clauses, context, candidates, tally);
            return;
        }

        // Bounds are learnt only where every match was a candidate and every document counts (none
        // deleted, or deleted ones included): later readers of the segment only have fewer.
        clauses.Rank(context, candidates, this, recordBounds: !filtered && !clauses.HasExclusions && (keep || context.AtomicReader.LiveDocs == null));
    }

    /// <summary>
    /// Facet counts of the matches when no filter applies: tags, rubrics and months read from flat
    /// arrays, a 64-bit word of matches at a time. When most of the segment matches, the counts of
    /// the documents that do not are taken from the segment's whole counts instead (a broad query
    /// over a million articles matches most of them, and counting was most of its cost).
    /// </summary>
    private void CountUnfiltered(SegmentTally tally, FixedBitSet matched, int hits)
    {
        var cache = _cache!;
        var all = cache.All;
        var tagStarts = cache.Tags.Starts;
        var tagOrds = cache.Tags.Ords;
        var rubricStarts = cache.Rubrics.Starts;
        var rubricOrds = cache.Rubrics.Ords;
        var monthIndex = all.MonthIndex;
        var complement = hits > matched.Length / 2;
        var sign = complement ? -1 : 1;
        if (complement)
        {
            Add(all.Tags, tally.Present);
            Add(all.Rubrics, tally.Rubrics);
            Add(all.Months, tally.Months);
        }

        var words = matched.GetBits();
        var wordCount = (matched.Length + 63) >> 6;
        for (var w = 0; w < wordCount; w++)
        {
            var word = (ulong)words[w];
            if (complement)
            {
                word = ~word;
                if (w == wordCount - 1 && (matched.Length & 63) != 0)
                {
                    word &= (1UL << (matched.Length & 63)) - 1;
                }
            }

            while (word != 0)
            {
                var doc = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                for (var i = tagStarts[doc]; i < tagStarts[doc + 1]; i++)
                {
                    tally.Present[tagOrds[i]] += sign;
                }

                for (var i = rubricStarts[doc]; i < rubricStarts[doc + 1]; i++)
                {
                    tally.Rubrics[rubricOrds[i]] += sign;
                }

                tally.Months[monthIndex[doc]] += sign;
            }

            if ((w & 255) == 0)
            {
                CheckDeadline();
            }
        }
    }

    private static void Add(int[] from, int[] to)
    {
        for (var i = 0; i < from.Length; i++)
        {
            to[i] += from[i];
        }
    }

    /// <summary>Newest first: the page is chosen by date alone, and only its documents are scored.</summary>
    private void RankByDate(QueryClauses clauses, AtomicReaderContext context, FixedBitSet candidates, SegmentTally tally)
    {
        var millis = _cache!.Millis;
        var page = new PriorityQueue<int, (double Rank, float Score, int Doc)>(WorstFirst.Instance);
        var capacity = tally.Capacity;
        for (var doc = candidates.NextSetBit(0); doc >= 0; doc = doc + 1 < candidates.Length ? candidates.NextSetBit(doc + 1) : -1)
        {
            if (!OnEarlierPage(millis[doc], context.DocBase + doc))
            {
                WorstFirst.Keep(page, capacity, (millis[doc], 0f, doc));
            }
        }

        var docs = page.UnorderedItems.Select(item => item.Element).Order().ToArray();
        var scores = clauses.Scores(context, docs);
        for (var i = 0; i < docs.Length; i++)
        {
            Rank(tally, docs[i], scores[i]);
        }
    }

    /// <summary>The rank a document must beat to enter the segment's candidates (−∞ while there is room).</summary>
    internal double Threshold => _tally!.Threshold;

    /// <summary>Ranks a scored match that passes the filters (from <see cref="QueryClauses.Rank"/>).</summary>
    internal void Scored(int doc, float score) => Rank(_tally!, doc, score);

    /// <summary>Counts a step of work (a match, a document ranked): the clock is read every 1,024, cheap, and a pathological query stops within milliseconds of its budget.</summary>
    internal void Tick()
    {
        if ((++_matches & 1023) == 0)
        {
            CheckDeadline();
        }
    }

    private void CheckDeadline()
    {
        if (System.Diagnostics.Stopwatch.GetTimestamp() > _plan.Deadline)
        {
            throw new SearchBudgetExceededException();
        }
    }

    private void Prepare(AtomicReaderContext context)
    {
        _context = context;
        var reader = context.AtomicReader;
        _cache = SegmentCache.For(reader);
        // A table by tag ordinal only when tags are selected: allocated for every segment of every
        // search (kept ones too), it was most of what a search over a large index allocated.
        if (_selectedCount > 0)
        {
            _selectedIndexByOrd = new int[_cache.Tags.ValueCount];
            Array.Fill(_selectedIndexByOrd, -1);
        }

        var tags = _selectedCount == 0 ? null : reader.GetSortedSetDocValues(ArticleDocument.Tag);
        for (var i = 0; i < _selectedCount && tags != null; i++)
        {
            var ord = tags.LookupTerm(new BytesRef(_plan.SelectedTags[i]));
            if (ord >= 0)
            {
                _selectedIndexByOrd[ord] = i;
            }
        }

        _rubricOrds.Clear();
        if (_plan.RubricKeys != null && reader.GetSortedSetDocValues(ArticleDocument.Rubric) is { } rubrics)
        {
            foreach (var key in _plan.RubricKeys)
            {
                var ord = rubrics.LookupTerm(new BytesRef(key));
                if (ord >= 0)
                {
                    _rubricOrds.Add((int)ord);
                }
            }
        }
    }

    /// <summary>Counts document <paramref name="doc"/> into <paramref name="tally"/> (<paramref name="sign"/> 1), or takes a deleted one out of it (−1); true when it passes every filter (then it is ranked).</summary>
    private bool Count(SegmentTally tally, int doc, int sign)
    {
        var cache = _cache!;
        var tagStarts = cache.Tags.Starts;
        var tagOrds = cache.Tags.Ords;
        int tagStart = tagStarts[doc], tagEnd = tagStarts[doc + 1];

        var mask = 0;
        for (var i = _selectedCount == 0 ? tagEnd : tagStart; i < tagEnd; i++)
        {
            var selected = _selectedIndexByOrd[tagOrds[i]];
            if (selected >= 0)
            {
                mask |= 1 << selected;
            }
        }

        var matched = BitOperations.PopCount((uint)mask);
        var passTags = _selectedCount == 0 || (_plan.AllTags ? matched == _selectedCount : matched > 0);
        var passRubric = _plan.RubricKeys == null || HasRubric(cache, doc);
        var millis = cache.Millis[doc];
        var passDates = (_plan.FromMillis is not { } from || millis >= from) && (_plan.ToMillis is not { } to || millis <= to);

        var passes = passTags && passRubric && passDates;
        if (passes)
        {
            tally.TotalHits += sign;
        }

        if (!_plan.CountFacets)
        {
            return passes;
        }

        if (passRubric && passDates)
        {
            CountTags(tally, tagStart, tagEnd, tagOrds, mask, matched, passTags, sign);
        }

        if (passTags && passDates)
        {
            var rubricStarts = cache.Rubrics.Starts;
            for (var i = rubricStarts[doc]; i < rubricStarts[doc + 1]; i++)
            {
                tally.Rubrics[cache.Rubrics.Ords[i]] += sign;
            }
        }

        if (passTags && passRubric)
        {
            tally.Months[MonthSlot(cache.Months[doc]) - tally.FirstMonthSlot] += sign;
        }

        return passes;
    }

    internal static int MonthSlot(int month) => Math.Clamp(month - FirstYear * 12, 0, MonthSlots - 1);

    private bool HasRubric(SegmentCache cache, int doc)
    {
        for (var i = cache.Rubrics.Starts[doc]; i < cache.Rubrics.Starts[doc + 1]; i++)
        {
            if (_rubricOrds.Contains(cache.Rubrics.Ords[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Tag counts. Every tag: the hits of the tag base that carry it (its own count within the other
    /// filters: "any", like Elasticsearch post_filter and Algolia's disjunctive facets). With "all"
    /// the count is the total with the tag toggled: an unselected tag T counts the passing hits with
    /// T; a selected tag T adds the hits that miss only T.
    /// </summary>
    private void CountTags(SegmentTally tally, int start, int end, int[] ords, int mask, int matched, bool passTags, int sign)
    {
        tally.TagBase += sign;
        if (passTags)
        {
            tally.TagBasePassing += sign;
        }

        for (var i = start; i < end; i++)
        {
            tally.Present[ords[i]] += sign;
        }

        if (_selectedCount == 0 || !_plan.AllTags)
        {
            return;
        }

        if (passTags)
        {
            for (var i = start; i < end; i++)
            {
                tally.Toggle[ords[i]] += sign;
            }
        }
        else if (matched == _selectedCount - 1)
        {
            tally.SelectedShift[BitOperations.TrailingZeroCount(~mask & _allSelectedMask)] += sign;
        }
    }

    /// <summary>Documents ranked (scored and offered to the page), over every segment collected.</summary>
    internal int ScoredCount { get; private set; }

    private void Rank(SegmentTally tally, int doc, float textScore)
    {
        ScoredCount++;
        var cache = _cache!;
        var score = textScore * RecencyBoost.FactorByDays(_plan.NewestDay - cache.Days[doc]);
        var key = (_plan.ByDate ? cache.Millis[doc] : (double)score, score, doc);
        if (!OnEarlierPage(key.Item1, _context!.DocBase + doc))
        {
            tally.Offer(key);
        }
    }

    /// <summary>Whether a document of this rank is at or before the cursor (on a page already shown).</summary>
    private bool OnEarlierPage(double rank, int globalDoc) =>
        _plan.After is { } after && WorstFirst.Instance.Compare((rank, 0f, globalDoc), (after.Rank, 0f, after.Doc)) >= 0;

    /// <summary>Adds a finished tally to the totals, less the documents the segment's current reader has deleted since it was counted.</summary>
    private bool Add(AtomicReaderContext context, SegmentTally tally, bool mustCoverPage = true)
    {
        var counts = tally;
        var candidates = tally.Candidates;
        var live = context.AtomicReader.LiveDocs;
        if (tally.Matched != null && live != null)
        {
            var deleted = DeletedDocs.Of(context.AtomicReader, live);
            var gone = 0;
            foreach (var doc in deleted)
            {
                if (tally.Matched.Get(doc))
                {
                    if (gone++ == 0)
                    {
                        counts = tally.CopyCounts();
                    }

                    Count(counts, doc, -1);
                }
            }

            if (gone > 0)
            {
                candidates = Array.FindAll(candidates, c => live.Get(c.Doc));
                if (mustCoverPage && candidates.Length < _plan.Depth && counts.TotalHits > candidates.Length)
                {
                    return false;
                }
            }
        }

        _totalHits += counts.TotalHits;
        _tagBase += counts.TagBase;
        _tagBasePassing += counts.TagBasePassing;
        for (var i = 0; i < _selectedCount; i++)
        {
            _selectedShift[i] += counts.SelectedShift[i];
        }

        for (var i = 0; i < counts.Months.Length; i++)
        {
            _months[counts.FirstMonthSlot + i] += counts.Months[i];
        }

        foreach (var (rank, score, doc) in candidates)
        {
            WorstFirst.Keep(_top, _plan.Depth, (rank, score, context.DocBase + doc));
        }

        if (_plan.CountFacets)
        {
            // Fresh doc-values instances: LookupOrd is not safe to share between threads.
            var reader = context.AtomicReader;
            Flush(reader.GetSortedSetDocValues(ArticleDocument.Tag), counts.Present, _present, counts.Toggle, _toggle);
            Flush(reader.GetSortedSetDocValues(ArticleDocument.Rubric), counts.Rubrics, _rubrics, null, null);
        }

        return true;
    }

    /// <summary>Hits <paramref name="start"/> .. start + count of the ranking, best first.</summary>
    public ScoreDoc[] Hits(int start, int count)
    {
        FinishSegment();
        var all = new List<ScoreDoc>(_top.Count);
        var ranks = new Dictionary<int, double>(_top.Count);
        while (_top.TryDequeue(out var doc, out var key))
        {
            all.Add(new ScoreDoc(doc, key.Score));
            ranks[doc] = key.Rank;
        }

        all.Reverse();
        var page = all.Skip(start).Take(count).ToArray();
        LastRank = page.Length == 0 ? null : (ranks[page[^1].Doc], page[^1].Doc);
        return page;
    }

    /// <summary>The first <paramref name="count"/> hits of the ranking, best first, each with its rank (what a cursor after it names).</summary>
    public (ScoreDoc Hit, double Rank)[] Ranked(int count)
    {
        FinishSegment();
        var all = new List<(ScoreDoc, double)>(_top.Count);
        while (_top.TryDequeue(out var doc, out var key))
        {
            all.Add((new ScoreDoc(doc, key.Score), key.Rank));
        }

        all.Reverse();
        return all.Take(count).ToArray();
    }

    /// <summary>The rank and document of the last hit <see cref="Hits"/> returned: where the next page starts.</summary>
    public (double Rank, int Doc)? LastRank { get; private set; }

    /// <summary>Per tag key: base hits carrying it, and its toggle accumulator.</summary>
    public (IReadOnlyDictionary<string, int> Present, IReadOnlyDictionary<string, int> Toggle) TagCounts()
    {
        FinishSegment();
        return (_present, _toggle);
    }

    public IReadOnlyDictionary<string, int> RubricCounts()
    {
        FinishSegment();
        return _rubrics;
    }

    /// <summary>Counts by month (year × 12 + month − 1) for the months that have any.</summary>
    public IReadOnlyDictionary<int, int> MonthCounts
    {
        get
        {
            FinishSegment();
            return Enumerable.Range(0, MonthSlots)
                .Where(i => _months[i] > 0)
                .ToDictionary(i => i + FirstYear * 12, i => _months[i]);
        }
    }

    /// <summary>Adds the segment being collected (also one a time budget cut short: a partial answer keeps what it had).</summary>
    private void FinishSegment()
    {
        if (_tally is { } tally)
        {
            _tally = null;
            tally.Seal();
            Add(_context!, tally, mustCoverPage: false);
        }
    }

    private static void Flush(SortedSetDocValues? values, int[] counts, Dictionary<string, int> totals, int[]? second, Dictionary<string, int>? secondTotals)
    {
        if (values == null)
        {
            return;
        }

        var term = new BytesRef();
        for (var ord = 0; ord < counts.Length; ord++)
        {
            if (counts[ord] == 0 && (second == null || second[ord] == 0))
            {
                continue;
            }

            values.LookupOrd(ord, term);
            var key = term.Utf8ToString();
            if (counts[ord] != 0)
            {
                totals[key] = totals.GetValueOrDefault(key) + counts[ord];
            }

            if (second != null && second[ord] != 0)
            {
                secondTotals![key] = secondTotals.GetValueOrDefault(key) + second[ord];
            }
        }
    }
}
