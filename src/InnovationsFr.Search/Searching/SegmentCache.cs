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

    private SegmentCache(long[] millis, int[] days, int[] months, Ordinals tags, Ordinals rubrics)
    {
        Millis = millis;
        Days = days;
        Months = months;
        Tags = tags;
        Rubrics = rubrics;
        TagStarts = tags.Starts;
        TagOrds = tags.Ords;
        TagValueCount = tags.ValueCount;
        MinMonth = months.Length == 0 ? 0 : months.Min();
        MaxMonth = months.Length == 0 ? 0 : months.Max();
    }

    /// <summary>The earliest and latest of <see cref="Months"/> (0 for an empty segment).</summary>
    public int MinMonth { get; }

    public int MaxMonth { get; }

    /// <summary>Publication instant of each document (Unix milliseconds).</summary>
    public long[] Millis { get; }

    /// <summary>Publication month of each document in Paris time, as year × 12 + month − 1.</summary>
    public int[] Months { get; }

    public Ordinals Tags { get; }

    /// <summary>Rubric path keys of each document ("a", "a/b").</summary>
    public Ordinals Rubrics { get; }

    /// <summary>Publication day of each document (days since 1970-01-01 UTC).</summary>
    public int[] Days { get; }

    /// <summary>Document d's tag ordinals are TagOrds[TagStarts[d] .. TagStarts[d + 1]).</summary>
    public int[] TagStarts { get; }

    public int[] TagOrds { get; }

    public int TagValueCount { get; }

    private SegmentCounts? _all;

    /// <summary>Tag, rubric and month counts over every document of the segment, deleted ones included (computed on first use).</summary>
    public SegmentCounts All => LazyInitializer.EnsureInitialized(ref _all, () => SegmentCounts.Of(this));

    public static SegmentCache For(AtomicReader reader) => Caches.GetValue(reader.CoreCacheKey, _ => Read(reader));

    public static int Day(long unixMillis) => (int)Math.Floor(unixMillis / 86_400_000d);

    private static SegmentCache Read(AtomicReader reader)
    {
        var maxDoc = reader.MaxDoc;
        var millis = new long[maxDoc];
        var days = new int[maxDoc];
        var months = new int[maxDoc];
        var published = reader.GetNumericDocValues(ArticleDocument.Published);
        if (published != null)
        {
            for (var doc = 0; doc < maxDoc; doc++)
            {
                millis[doc] = published.Get(doc);
                days[doc] = Day(millis[doc]);
                var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(millis[doc]), ParisTime.Zone);
                months[doc] = local.Year * 12 + local.Month - 1;
            }
        }

        return new SegmentCache(
            millis,
            days,
            months,
            Ordinals.Read(reader.GetSortedSetDocValues(ArticleDocument.Tag), maxDoc),
            Ordinals.Read(reader.GetSortedSetDocValues(ArticleDocument.Rubric), maxDoc));
    }

    /// <summary>A sorted-set doc-values field flattened: document d's ordinals are Ords[Starts[d] .. Starts[d + 1]).</summary>
    internal sealed class Ordinals(int[] starts, int[] ords, int valueCount)
    {
        public int[] Starts { get; } = starts;

        public int[] Ords { get; } = ords;

        public int ValueCount { get; } = valueCount;

        public static Ordinals Read(SortedSetDocValues? values, int maxDoc)
        {
            var starts = new int[maxDoc + 1];
            var ords = new List<int>(values == null ? 0 : maxDoc * 4);
            for (var doc = 0; doc < maxDoc; doc++)
            {
                starts[doc] = ords.Count;
                if (values == null)
                {
                    continue;
                }

                values.SetDocument(doc);
                long ord;
                while ((ord = values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
                {
                    ords.Add((int)ord);
                }
            }

            starts[maxDoc] = ords.Count;
            return new Ordinals(starts, [.. ords], values == null ? 0 : (int)values.ValueCount);
        }
    }
}

/// <summary>Counts of one segment's documents by tag ordinal, rubric ordinal and month (index from the segment's first month).</summary>
internal sealed class SegmentCounts(int[] tags, int[] rubrics, int[] monthIndex, int[] months)
{
    public int[] Tags { get; } = tags;

    public int[] Rubrics { get; } = rubrics;

    /// <summary>Each document's month, as an index from the segment's first month.</summary>
    public int[] MonthIndex { get; } = monthIndex;

    public int[] Months { get; } = months;

    public static SegmentCounts Of(SegmentCache cache)
    {
        var tags = new int[cache.Tags.ValueCount];
        foreach (var ord in cache.Tags.Ords)
        {
            tags[ord]++;
        }

        var rubrics = new int[cache.Rubrics.ValueCount];
        foreach (var ord in cache.Rubrics.Ords)
        {
            rubrics[ord]++;
        }

        var first = FacetedCollector.MonthSlot(cache.MinMonth);
        var index = new int[cache.Months.Length];
        var months = new int[FacetedCollector.MonthSlot(cache.MaxMonth) - first + 1];
        for (var doc = 0; doc < index.Length; doc++)
        {
            index[doc] = FacetedCollector.MonthSlot(cache.Months[doc]) - first;
            months[index[doc]]++;
        }

        return new SegmentCounts(tags, rubrics, index, months);
    }
}
