using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// Top hits by relevance, and the tags of every hit counted, with the recency boost applied at collection time:
/// score × <see cref="RecencyBoost.FactorByDays"/>. Doing it here rather than in a CustomScoreQuery
/// keeps Lucene free to score OR queries out of order with its bulk BooleanScorer, which a custom
/// score query forbids (that cost ×3 at 100k articles). Ties go to the lower document number, as
/// in Lucene's own collector.
/// </summary>
internal sealed class RelevanceCollector(int size, int newestDay, TagCounter tags) : ICollector
{
    private readonly PriorityQueue<int, (float Score, int Doc)> _top = new(size + 1, WorstFirst.Instance);
    private Scorer? _scorer;
    private int[] _days = [];
    private int _docBase;

    public int TotalHits { get; private set; }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        _docBase = context.DocBase;
        _days = SegmentCache.For(context.AtomicReader).Days;
        tags.SetNextReader(context);
    }

    public void Collect(int doc)
    {
        // Tag counts in the same call: MultiCollector's dispatch per hit cost as much as the counting.
        tags.Collect(doc);
        TotalHits++;
        var score = _scorer!.GetScore() * RecencyBoost.FactorByDays(newestDay - _days[doc]);
        var global = _docBase + doc;
        if (_top.Count < size)
        {
            _top.Enqueue(global, (score, global));
        }
        else if (_top.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare((score, global), worst) > 0)
        {
            _top.DequeueEnqueue(global, (score, global));
        }
    }

    /// <summary>Hits <paramref name="start"/> .. start + count of the ranking, best first.</summary>
    public ScoreDoc[] Hits(int start, int count)
    {
        var all = new List<ScoreDoc>(_top.Count);
        while (_top.TryDequeue(out var doc, out var key))
        {
            all.Add(new ScoreDoc(doc, key.Score));
        }

        all.Reverse();
        return all.Skip(start).Take(count).ToArray();
    }

    /// <summary>Orders the heap worst first: lower score, then higher document number.</summary>
    private sealed class WorstFirst : IComparer<(float Score, int Doc)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, int Doc) x, (float Score, int Doc) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : y.Doc.CompareTo(x.Doc);
        }
    }
}
