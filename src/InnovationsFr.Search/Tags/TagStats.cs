using Lucene.Net.Index;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>Every tag of an index with its article count and first and last use; read once per index reader.</summary>
internal sealed class TagStats
{
    private TagStats(Dictionary<string, (int Count, long First, long Last)> byKey, int articles)
    {
        ByKey = byKey;
        Articles = articles;
    }

    public IReadOnlyDictionary<string, (int Count, long First, long Last)> ByKey { get; }

    /// <summary>Live articles in the index.</summary>
    public int Articles { get; }

    public static TagStats Read(IndexReader reader)
    {
        var byKey = new Dictionary<string, (int Count, long First, long Last)>(StringComparer.Ordinal);
        foreach (var leaf in reader.Leaves)
        {
            var cache = SegmentCache.For(leaf.AtomicReader);
            var live = leaf.AtomicReader.LiveDocs;
            var counts = new int[cache.Tags.ValueCount];
            var first = new long[cache.Tags.ValueCount];
            var last = new long[cache.Tags.ValueCount];
            Array.Fill(first, long.MaxValue);
            Array.Fill(last, long.MinValue);
            for (var doc = 0; doc < cache.Millis.Length; doc++)
            {
                if (live != null && !live.Get(doc))
                {
                    continue;
                }

                for (var i = cache.Tags.Starts[doc]; i < cache.Tags.Starts[doc + 1]; i++)
                {
                    var ord = cache.Tags.Ords[i];
                    counts[ord]++;
                    first[ord] = Math.Min(first[ord], cache.Millis[doc]);
                    last[ord] = Math.Max(last[ord], cache.Millis[doc]);
                }
            }

            var values = leaf.AtomicReader.GetSortedSetDocValues(ArticleDocument.Tag);
            var term = new BytesRef();
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] == 0)
                {
                    continue;
                }

                values!.LookupOrd(ord, term);
                var key = term.Utf8ToString();
                byKey[key] = byKey.TryGetValue(key, out var known)
                    ? (known.Count + counts[ord], Math.Min(known.First, first[ord]), Math.Max(known.Last, last[ord]))
                    : (counts[ord], first[ord], last[ord]);
            }
        }

        return new TagStats(byKey, reader.NumDocs);
    }
}
