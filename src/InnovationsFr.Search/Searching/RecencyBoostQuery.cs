using Lucene.Net.Index;
using Lucene.Net.Queries;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// A mild recency boost: score × (1 + <see cref="MaxBoost"/> × 2^(−age / <see cref="HalfLifeDays"/>)),
/// the age counted from the newest article in the index (not the wall clock, so an archive keeps
/// its order and tests are stable). At most +15% for the newest coverage, +7.5% six months earlier:
/// it reorders near-ties towards fresh news but never lifts a body-only mention over a title match,
/// whose BM25 score is several times higher.
/// </summary>
internal sealed class RecencyBoostQuery(Query inner, long newestMillis) : CustomScoreQuery(inner)
{
    public const float MaxBoost = 0.15f;
    public const double HalfLifeDays = 180;

    private const double MillisPerDay = 86_400_000d;

    protected override CustomScoreProvider GetCustomScoreProvider(AtomicReaderContext context) =>
        new Provider(context, context.AtomicReader.GetNumericDocValues(ArticleDocument.Published), newestMillis);

    public static float Factor(long publishedMillis, long newestMillis)
    {
        var ageDays = Math.Max(0, (newestMillis - publishedMillis) / MillisPerDay);
        return 1f + (float)(MaxBoost * Math.Pow(2, -ageDays / HalfLifeDays));
    }

    private sealed class Provider(AtomicReaderContext context, NumericDocValues? published, long newest) : CustomScoreProvider(context)
    {
        public override float CustomScore(int doc, float subQueryScore, float valSrcScore) =>
            published == null ? subQueryScore : subQueryScore * Factor(published.Get(doc), newest);
    }
}
