using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// Counts the tags of every collected document, in the same pass as the top hits: an array
/// increment per tag of a hit, on the segment's ordinals (<see cref="SegmentCache"/>); ordinals
/// become slugs once per segment, only for those that were seen.
/// </summary>
internal sealed class TagCounter : ICollector
{
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
    private AtomicReader? _reader;
    private int[] _starts = [];
    private int[] _ords = [];
    private int[] _segmentCounts = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        FlushSegment();
        var cache = SegmentCache.For(context.AtomicReader);
        _reader = context.AtomicReader;
        _starts = cache.TagStarts;
        _ords = cache.TagOrds;
        _segmentCounts = new int[cache.TagValueCount];
    }

    public void Collect(int doc)
    {
        var counts = _segmentCounts;
        var ords = _ords;
        for (int i = _starts[doc], end = _starts[doc + 1]; i < end; i++)
        {
            counts[ords[i]]++;
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
            .Select(kv =>
            {
                var label = labels.GetValueOrDefault(kv.Key, kv.Key);
                return new TagCount(Slug.From(label), label, kv.Value);
            })
            .ToList();
    }

    private void FlushSegment()
    {
        if (_reader == null)
        {
            return;
        }

        // A fresh doc-values instance: LookupOrd is not safe to share between threads.
        var values = _reader.GetSortedSetDocValues(ArticleDocument.Tag);
        var term = new BytesRef();
        for (var ord = 0; ord < _segmentCounts.Length; ord++)
        {
            if (_segmentCounts[ord] == 0)
            {
                continue;
            }

            values!.LookupOrd(ord, term);
            var slug = term.Utf8ToString();
            _totals[slug] = _totals.GetValueOrDefault(slug) + _segmentCounts[ord];
        }

        _reader = null;
        _segmentCounts = [];
    }
}
