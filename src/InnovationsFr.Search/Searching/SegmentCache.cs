using System.Runtime.CompilerServices;
using Lucene.Net.Index;

namespace InnovationsFr.Search;

/// <summary>
/// Per-segment arrays read once from doc values and kept while the segment lives: each document's
/// tag ordinals (flat, with start offsets) and its publication day. Counting tags and boosting by
/// recency then cost an array read per hit instead of a doc-values decode: the difference between
/// tag counts that double a search and tag counts that barely show. Keyed by the segment core, so
/// an index refresh reuses the arrays of segments that did not change.
/// </summary>
internal sealed class SegmentCache
{
    private static readonly ConditionalWeakTable<object, SegmentCache> Caches = new();

    private SegmentCache(int[] days, int[] tagStarts, int[] tagOrds, int tagValueCount)
    {
        Days = days;
        TagStarts = tagStarts;
        TagOrds = tagOrds;
        TagValueCount = tagValueCount;
    }

    /// <summary>Publication day of each document (days since 1970-01-01 UTC).</summary>
    public int[] Days { get; }

    /// <summary>Document d's tag ordinals are TagOrds[TagStarts[d] .. TagStarts[d + 1]).</summary>
    public int[] TagStarts { get; }

    public int[] TagOrds { get; }

    public int TagValueCount { get; }

    public static SegmentCache For(AtomicReader reader) => Caches.GetValue(reader.CoreCacheKey, _ => Read(reader));

    public static int Day(long unixMillis) => (int)Math.Floor(unixMillis / 86_400_000d);

    private static SegmentCache Read(AtomicReader reader)
    {
        var maxDoc = reader.MaxDoc;
        var days = new int[maxDoc];
        var published = reader.GetNumericDocValues(ArticleDocument.Published);
        if (published != null)
        {
            for (var doc = 0; doc < maxDoc; doc++)
            {
                days[doc] = Day(published.Get(doc));
            }
        }

        var starts = new int[maxDoc + 1];
        var ords = new List<int>(maxDoc * 4);
        var tags = reader.GetSortedSetDocValues(ArticleDocument.Tag);
        for (var doc = 0; doc < maxDoc; doc++)
        {
            starts[doc] = ords.Count;
            if (tags == null)
            {
                continue;
            }

            tags.SetDocument(doc);
            long ord;
            while ((ord = tags.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
            {
                ords.Add((int)ord);
            }
        }

        starts[maxDoc] = ords.Count;
        return new SegmentCache(days, starts, [.. ords], tags == null ? 0 : (int)tags.ValueCount);
    }
}
