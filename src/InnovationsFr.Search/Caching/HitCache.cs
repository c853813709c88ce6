using System.Globalization;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// What a hit shows that depends only on its stored document and the terms to highlight: title,
/// snippets, link, date, rubric and tag labels as stored. A document in a segment never changes (a
/// correction is a new document in a new segment), so it is kept by segment core and document
/// number across refreshes: under a stream of writes every refresh is a new index version and the
/// answer cache starts empty, but the same searches show mostly the same articles, and loading and
/// highlighting them was a third of a search's time. The 5,000 most recently shown are kept.
/// </summary>
internal sealed class HitCache
{
    private const int Capacity = 5_000;

    private readonly ResultCache<ShownArticle> _shown = new(Capacity);
    private readonly ConditionalWeakTable<object, string> _coreIds = new();
    private long _nextCoreId;

    /// <summary>Hits shown from the cache, and hits loaded and highlighted.</summary>
    public (long Hits, long Misses) Stats => (_shown.Hits, _shown.Misses);

    /// <summary>The key of a set of highlighted terms (order does not matter).</summary>
    public static string TermsKey(HashSet<string> terms) => string.Join('\u001f', terms.Order(StringComparer.Ordinal));

    /// <summary>The shown part of the document <paramref name="doc"/> (searcher-wide number) with <paramref name="terms"/> highlighted.</summary>
    public ShownArticle Get(IndexSearcher searcher, int doc, HashSet<string> terms, string termsKey)
    {
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var core = _coreIds.GetValue(leaf.Reader.CoreCacheKey, _ => Interlocked.Increment(ref _nextCoreId).ToString(CultureInfo.InvariantCulture));
        var key = string.Create(CultureInfo.InvariantCulture, $"{core}:{doc - leaf.DocBase}:{termsKey}");
        return _shown.GetOrAdd(key, () => ShownArticle.From(ArticleDocument.Load(searcher, doc, ArticleDocument.ShownFields), terms));
    }
}

/// <summary>
/// A hit as shown, before its score and the index-wide tag labels: <see cref="Hit"/> without tags or
/// score, and the tag labels as stored.
/// </summary>
internal sealed record ShownArticle(ArticleHit Hit, string[] TagLabels)
{
    public static ShownArticle From(StoredArticle stored, HashSet<string> terms) => new(
        new ArticleHit(
            stored.Id,
            stored.Slug,
            stored.Url,
            stored.Title,
            Snippets.Title(terms, stored.Title),
            Snippets.Body(terms, stored.Summary, stored.Body),
            stored.PublishedAt,
            stored.Rubric,
            [],
            0),
        stored.TagLabels);
}
