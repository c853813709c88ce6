using System.Numerics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>What a faceted collection filters on and ranks by.</summary>
internal sealed record FacetPlan(
    int Depth,
    bool ByDate,
    int NewestDay,
    IReadOnlyList<string> SelectedTags,
    bool AllTags,
    IReadOnlyList<string>? RubricKeys,
    long? FromMillis,
    long? ToMillis,
    bool CountFacets = true,
    long Deadline = long.MaxValue,
    (double Rank, int Doc)? After = null);

/// <summary>A search ran past its time budget: what was collected so far is all there is.</summary>
internal sealed class SearchBudgetExceededException() : Exception("the search ran past its time budget");

/// <summary>
/// One pass over every document the text query matches. Each hit is checked against the three
/// filter dimensions (tags, rubric, dates) from per-segment arrays; the hits passing all three are
/// ranked (score × recency, or date), and each dimension is counted over the hits passing the
/// <em>other</em> two (Elasticsearch post_filter / Solr tag-exclude). For tags, the count given is
/// the number of results the search would have with that tag toggled, in the current tag mode.
/// </summary>
internal sealed class FacetedCollector : ICollector
{
    private readonly FacetPlan _plan;
    private readonly PriorityQueue<int, (double Rank, float Score, int Doc)> _top;
    private readonly int _selectedCount;
    private readonly Dictionary<string, int> _present = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _toggle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rubrics = new(StringComparer.Ordinal);
    /// <summary>Counts by month since January 1970 (a flat array: a dictionary per hit showed in profiles).</summary>
    private readonly int[] _months = new int[MonthSlots];
    private const int FirstYear = 1970;
    private const int MonthSlots = 200 * 12;
    private readonly int[] _selectedShift;
    private readonly int _allSelectedMask;

    private Scorer? _scorer;
    private int _matches;
    private AtomicReader? _reader;
    private SegmentCache? _cache;
    private int _docBase;
    private int[] _selectedIndexByOrd = [];
    private readonly HashSet<int> _rubricOrds = [];
    private int[] _segmentPresent = [];
    private int[] _segmentToggle = [];
    private int[] _segmentRubrics = [];

    public FacetedCollector(FacetPlan plan)
    {
        _plan = plan;
        _top = new PriorityQueue<int, (double, float, int)>(plan.Depth + 1, WorstFirst.Instance);
        _selectedCount = Math.Min(plan.SelectedTags.Count, 30);
        _selectedShift = new int[_selectedCount];
        _allSelectedMask = (1 << _selectedCount) - 1;
    }

    public int TotalHits { get; private set; }

    /// <summary>Hits that pass the rubric and date filters: the base of the tag counts.</summary>
    public int TagBase { get; private set; }

    /// <summary>Hits of the tag base that pass the tag filter.</summary>
    public int TagBasePassing { get; private set; }

    /// <summary>For each selected tag, the base hits that the toggle-off would add (all) or remove (any).</summary>
    public int[] SelectedShift => _selectedShift;

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        FlushSegment();
        if (System.Diagnostics.Stopwatch.GetTimestamp() > _plan.Deadline)
        {
            throw new SearchBudgetExceededException();
        }

        _reader = context.AtomicReader;
        _docBase = context.DocBase;
        _cache = SegmentCache.For(context.AtomicReader);
        _segmentPresent = new int[_cache.Tags.ValueCount];
        _segmentToggle = new int[_cache.Tags.ValueCount];
        _segmentRubrics = new int[_cache.Rubrics.ValueCount];
        _selectedIndexByOrd = new int[_cache.Tags.ValueCount];
        Array.Fill(_selectedIndexByOrd, -1);
        var tags = _reader.GetSortedSetDocValues(ArticleDocument.Tag);
        for (var i = 0; i < _selectedCount && tags != null; i++)
        {
            var ord = tags.LookupTerm(new BytesRef(_plan.SelectedTags[i]));
            if (ord >= 0)
            {
                _selectedIndexByOrd[ord] = i;
            }
        }

        _rubricOrds.Clear();
        if (_plan.RubricKeys != null && _reader.GetSortedSetDocValues(ArticleDocument.Rubric) is { } rubrics)
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

    public void Collect(int doc)
    {
        // The clock is read every 1,024 matches: cheap, and a pathological query stops within milliseconds of its budget.
        if ((++_matches & 1023) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() > _plan.Deadline)
        {
            throw new SearchBudgetExceededException();
        }

        var cache = _cache!;
        var tagStarts = cache.Tags.Starts;
        var tagOrds = cache.Tags.Ords;
        int tagStart = tagStarts[doc], tagEnd = tagStarts[doc + 1];

        var mask = 0;
        for (var i = tagStart; i < tagEnd; i++)
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

        if (passTags && passRubric && passDates)
        {
            TotalHits++;
            Rank(doc, millis, cache);
        }

        if (!_plan.CountFacets)
        {
            return;
        }

        if (passRubric && passDates)
        {
            CountTags(tagStart, tagEnd, tagOrds, mask, matched, passTags);
        }

        if (passTags && passDates)
        {
            var rubricStarts = cache.Rubrics.Starts;
            for (var i = rubricStarts[doc]; i < rubricStarts[doc + 1]; i++)
            {
                _segmentRubrics[cache.Rubrics.Ords[i]]++;
            }
        }

        if (passTags && passRubric)
        {
            _months[Math.Clamp(cache.Months[doc] - FirstYear * 12, 0, MonthSlots - 1)]++;
        }
    }

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
    /// Tag counts with the tag filter toggled. Unselected tag T: "all" counts passing hits with T;
    /// "any" counts passing hits plus failing hits with T. Selected tag T: "all" adds the hits that
    /// miss only T; "any" removes the hits whose only selected tag is T.
    /// </summary>
    private void CountTags(int start, int end, int[] ords, int mask, int matched, bool passTags)
    {
        TagBase++;
        if (passTags)
        {
            TagBasePassing++;
        }

        for (var i = start; i < end; i++)
        {
            _segmentPresent[ords[i]]++;
        }

        if (_selectedCount == 0)
        {
            return;
        }

        if (_plan.AllTags)
        {
            if (passTags)
            {
                for (var i = start; i < end; i++)
                {
                    _segmentToggle[ords[i]]++;
                }
            }
            else if (matched == _selectedCount - 1)
            {
                _selectedShift[BitOperations.TrailingZeroCount(~mask & _allSelectedMask)]++;
            }
        }
        else if (!passTags)
        {
            for (var i = start; i < end; i++)
            {
                _segmentToggle[ords[i]]++;
            }
        }
        else if (matched == 1)
        {
            _selectedShift[BitOperations.TrailingZeroCount(mask)]++;
        }
    }

    private void Rank(int doc, long millis, SegmentCache cache)
    {
        var score = _scorer!.GetScore() * RecencyBoost.FactorByDays(_plan.NewestDay - cache.Days[doc]);
        var key = (_plan.ByDate ? millis : (double)score, score, _docBase + doc);
        if (_plan.After is { } after && WorstFirst.Instance.Compare(key, (after.Rank, 0f, after.Doc)) >= 0)
        {
            return; // at or before the cursor: on an earlier page
        }

        if (_top.Count < _plan.Depth)
        {
            _top.Enqueue(key.Item3, key);
        }
        else if (_top.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare(key, worst) > 0)
        {
            _top.DequeueEnqueue(key.Item3, key);
        }
    }

    /// <summary>Hits <paramref name="start"/> .. start + count of the ranking, best first.</summary>
    public ScoreDoc[] Hits(int start, int count)
    {
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

    /// <summary>The rank and document of the last hit <see cref="Hits"/> returned: where the next page starts.</summary>
    public (double Rank, int Doc)? LastRank { get; private set; }

    /// <summary>Per tag key: base hits carrying it, and its toggle accumulator.</summary>
    public (IReadOnlyDictionary<string, int> Present, IReadOnlyDictionary<string, int> Toggle) TagCounts()
    {
        FlushSegment();
        return (_present, _toggle);
    }

    public IReadOnlyDictionary<string, int> RubricCounts()
    {
        FlushSegment();
        return _rubrics;
    }

    /// <summary>Counts by month (year × 12 + month − 1) for the months that have any.</summary>
    public IReadOnlyDictionary<int, int> MonthCounts => Enumerable.Range(0, MonthSlots)
        .Where(i => _months[i] > 0)
        .ToDictionary(i => i + FirstYear * 12, i => _months[i]);

    private void FlushSegment()
    {
        if (_reader == null)
        {
            return;
        }

        // Fresh doc-values instances: LookupOrd is not safe to share between threads.
        Flush(_reader.GetSortedSetDocValues(ArticleDocument.Tag), _segmentPresent, _present, _segmentToggle, _toggle);
        Flush(_reader.GetSortedSetDocValues(ArticleDocument.Rubric), _segmentRubrics, _rubrics, null, null);
        _reader = null;
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
            if (counts[ord] == 0)
            {
                continue;
            }

            values.LookupOrd(ord, term);
            var key = term.Utf8ToString();
            totals[key] = totals.GetValueOrDefault(key) + counts[ord];
            if (second != null && second[ord] > 0)
            {
                secondTotals![key] = secondTotals.GetValueOrDefault(key) + second[ord];
            }
        }
    }

    /// <summary>Orders the heap worst first: lower rank, then higher document number.</summary>
    private sealed class WorstFirst : IComparer<(double Rank, float Score, int Doc)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((double Rank, float Score, int Doc) x, (double Rank, float Score, int Doc) y)
        {
            var byRank = x.Rank.CompareTo(y.Rank);
            return byRank != 0 ? byRank : y.Doc.CompareTo(x.Doc);
        }
    }
}
