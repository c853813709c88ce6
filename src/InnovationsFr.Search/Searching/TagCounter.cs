using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// Counts the tags of every collected document from the "tag" sorted-set doc values, in the same
/// pass as the top hits. Counts per segment ordinal (an array increment per tag of a hit), and
/// turns ordinals into slugs once per segment, only for ordinals that were seen.
/// </summary>
internal sealed class TagCounter : ICollector
{
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
    private SortedSetDocValues? _values;
    private int[] _segmentCounts = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        FlushSegment();
        _values = context.AtomicReader.GetSortedSetDocValues(ArticleDocument.Tag);
        _segmentCounts = _values == null ? [] : new int[_values.ValueCount];
    }

    public void Collect(int doc)
    {
        if (_values == null)
        {
            return;
        }

        _values.SetDocument(doc);
        long ord;
        while ((ord = _values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
        {
            _segmentCounts[ord]++;
        }
    }

    /// <summary>The most frequent tags, ties broken by slug, with their display labels.</summary>
    public IReadOnlyList<TagCount> Top(int limit, IReadOnlyDictionary<string, string> labels)
    {
        FlushSegment();
        return _totals
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, limit))
            .Select(kv => new TagCount(kv.Key, labels.GetValueOrDefault(kv.Key, kv.Key), kv.Value))
            .ToList();
    }

    private void FlushSegment()
    {
        if (_values == null)
        {
            return;
        }

        var term = new BytesRef();
        for (var ord = 0; ord < _segmentCounts.Length; ord++)
        {
            if (_segmentCounts[ord] == 0)
            {
                continue;
            }

            _values.LookupOrd(ord, term);
            var slug = term.Utf8ToString();
            _totals[slug] = _totals.GetValueOrDefault(slug) + _segmentCounts[ord];
        }

        _values = null;
        _segmentCounts = [];
    }
}
