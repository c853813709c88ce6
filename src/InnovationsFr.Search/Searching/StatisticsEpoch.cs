using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// The term and field statistics BM25 scores with, held still across index refreshes while the
/// number of live articles changes by less than <see cref="DefaultDrift"/> and for at most
/// <see cref="MaxAge"/>. A term's statistics are read the first time a search of the epoch needs
/// them and kept: every search of the epoch then scores a document the same way on whichever reader
/// it runs, which is what lets <see cref="SegmentSearch"/> replay a large segment's kept tally after a
/// refresh and answer exactly what scoring it again would. Live articles, not Lucene's document
/// count: a replaced article leaves a deleted document behind until a merge, so upserts alone would
/// end an epoch every minute (and inflate the very statistics it holds). Under a steady stream of
/// corrections an epoch lasts its ten minutes; a site that adds 2 % more articles starts a new one.
/// </summary>
internal sealed class StatisticsEpoch(long id, int baseDocs)
{
    /// <summary>Relative change of the number of live articles that starts a new epoch, by default.</summary>
    public const double DefaultDrift = 0.02;

    /// <summary>The longest an epoch lasts: articles rewritten in place move the statistics without changing their number.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly long _started = Environment.TickCount64;

    /// <summary>Terms an epoch keeps statistics for before a new one starts (a bound on memory).</summary>
    public const int MaxTerms = 100_000;

    private readonly ConcurrentDictionary<Term, TermStatistics> _terms = new();
    private readonly ConcurrentDictionary<string, CollectionStatistics> _fields = new(StringComparer.Ordinal);

    public long Id { get; } = id;

    /// <summary>The epoch a searcher over <paramref name="reader"/> scores with: this one, or a new one when the index has moved too far.</summary>
    public static StatisticsEpoch For(StatisticsEpoch? current, IndexReader reader, double drift = DefaultDrift) =>
        current != null
            && Math.Abs(reader.NumDocs - current.BaseDocs) <= current.BaseDocs * drift
            && Environment.TickCount64 - current._started < MaxAge.TotalMilliseconds
            && current._terms.Count < MaxTerms
            ? current
            : new StatisticsEpoch((current?.Id ?? 0) + 1, reader.NumDocs);

    /// <summary>The number of live articles when the epoch began.</summary>
    public int BaseDocs { get; } = baseDocs;

    public TermStatistics Term(Term term, Func<TermStatistics> read) => _terms.GetOrAdd(term, _ => read());

    public CollectionStatistics Field(string field, Func<CollectionStatistics> read) => _fields.GetOrAdd(field, _ => read());
}

/// <summary>A searcher that scores with BM25 and its epoch's statistics.</summary>
internal sealed class EpochSearcher : IndexSearcher
{
    public EpochSearcher(IndexReader reader, StatisticsEpoch epoch)
        : base(reader)
    {
        Epoch = epoch;
        Similarity = new Lucene.Net.Search.Similarities.BM25Similarity();
    }

    public StatisticsEpoch Epoch { get; }

    public override TermStatistics TermStatistics(Term term, TermContext context) =>
        Epoch.Term(term, () => base.TermStatistics(term, context));

    public override CollectionStatistics CollectionStatistics(string field) =>
        Epoch.Field(field, () => base.CollectionStatistics(field));
}
