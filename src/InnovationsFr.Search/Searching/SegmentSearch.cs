using System.Globalization;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// Runs a faceted search segment by segment, and keeps the tallies of large segments, so that the
/// same search after an index refresh only scores what changed. A near-real-time refresh (every
/// half second under writes) leaves the large segments as they were, less a few deletions: their
/// kept tally (counts, best candidates, and which documents matched) is replayed with the newly
/// deleted documents taken out, and only the small new segments are scored. Without this, every
/// refresh made every search start from nothing, and scoring the large segments is nearly all of a
/// search's cost.
/// <para>
/// A tally is replayed only within the <see cref="StatisticsEpoch"/> it was counted in: its scores
/// are then exactly the ones scoring again would give. A search with a cursor is always scored afresh.
/// </para>
/// </summary>
internal sealed class SegmentSearch
{
    private long _replayed;
    private long _scored;

    /// <summary>Segments with fewer documents are scored every time: cheap, and they come and go with each refresh.</summary>
    public int MinKeptSegmentDocs { get; init; } = 5_000;

    /// <summary>Segments with fewer documents are scored in document order (see <see cref="Run"/>).</summary>
    internal const int InOrderBelowDocs = 5_000;

    /// <summary>Segments answered from a kept tally, and segments scored.</summary>
    public (long Replayed, long Scored) Counts => (Interlocked.Read(ref _replayed), Interlocked.Read(ref _scored));

    /// <summary>Memory the kept tallies of one segment may hold.</summary>
    internal const long BytesPerSegment = 8L << 20;

    private static readonly ConditionalWeakTable<object, TallyStore> Stores = new();

    /// <summary>
    /// Documents whose positions a query's phrases may read (<see cref="QueryClauses.PhraseWork"/>)
    /// from which its segments are matched on every core (below, threads cost more than they save).
    /// </summary>
    public long ParallelPhraseWork { get; init; } = 50_000;

    private long _matchedAhead;

    /// <summary>Searches whose segments were matched in parallel.</summary>
    public long MatchedAhead => Interlocked.Read(ref _matchedAhead);

    /// <summary>Whether plain disjunctions are counted from postings and ranked with MaxScore (<see cref="QueryClauses"/>); off, every match is scored.</summary>
    public bool Pruning { get; init; } = true;

    /// <summary>Searches <paramref name="query"/> into <paramref name="collector"/>, leaf by leaf.</summary>
    public void Run(IndexSearcher searcher, Query query, FacetedCollector collector)
    {
        var clauses = Pruning ? QueryClauses.For(searcher, query) : null;
        var weight = clauses == null ? searcher.CreateNormalizedWeight(query) : null;
        var keeps = collector.Plan.After == null && searcher is EpochSearcher;
        string? key = null;
        if (clauses != null && searcher.IndexReader.Leaves.Count > 1 && clauses.PhraseWork(searcher.IndexReader) >= ParallelPhraseWork)
        {
            // A heavy phrase: the segments to be matched (those without a kept tally) are matched on every core first.
            key = keeps ? Key(((EpochSearcher)searcher).Epoch, query, collector.Plan) : null;
            var ahead = new List<(AtomicReaderContext, IBits?)>();
            foreach (var leaf in searcher.IndexReader.Leaves)
            {
                var kept = keeps && leaf.AtomicReader.MaxDoc >= MinKeptSegmentDocs;
                if (!kept || !Stores.TryGetValue(leaf.AtomicReader.CoreCacheKey, out var store) || store.Get(key!) == null)
                {
                    ahead.Add((leaf, kept ? null : leaf.AtomicReader.LiveDocs));
                }
            }

            clauses.MatchAhead(ahead);
            Interlocked.Increment(ref _matchedAhead);
        }

        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var store = keeps && reader.MaxDoc >= MinKeptSegmentDocs ? Stores.GetValue(reader.CoreCacheKey, _ => new TallyStore()) : null;
            if (store != null)
            {
                key ??= Key(((EpochSearcher)searcher).Epoch, query, collector.Plan);
            }

            if (store?.Get(key!) is { } kept && collector.Replay(leaf, kept))
            {
                Interlocked.Increment(ref _replayed);
                continue;
            }

            Interlocked.Increment(ref _scored);

            if (store != null)
            {
                collector.Begin(leaf, keep: true);
                if (clauses != null)
                {
                    collector.Gather(clauses, leaf, keep: true);
                }
                else
                {
                    weight!.GetBulkScorer(leaf, !collector.AcceptsDocsOutOfOrder, null)?.Score(collector);
                }

                var tally = collector.End(out var added);
                if (tally != null)
                {
                    store.Put(key!, tally);
                }

                if (added)
                {
                    continue;
                }
            }

            collector.Begin(leaf, keep: false);
            if (clauses != null)
            {
                collector.Gather(clauses, leaf, keep: false);
            }
            else
            {
                // Small segments are scored in document order: Lucene's out-of-order BooleanScorer
                // allocates a table of 2,048 buckets per clause and segment, which costs more than the
                // few documents of a segment a refresh just wrote (and fed the garbage collector
                // hundreds of megabytes a second under writes).
                weight!.GetBulkScorer(leaf, reader.MaxDoc < InOrderBelowDocs || !collector.AcceptsDocsOutOfOrder, reader.LiveDocs)?.Score(collector);
            }

            collector.End(out _);
        }
    }

    private static string Key(StatisticsEpoch epoch, Query query, FacetPlan plan) => string.Create(CultureInfo.InvariantCulture,
        $"{epoch.Id}|{query}|{plan.Depth}|{plan.ByDate}|{plan.NewestDay}|{string.Join('\u001f', plan.SelectedTags)}|{plan.AllTags}|{(plan.RubricKeys == null ? "-" : string.Join('\u001f', plan.RubricKeys))}|{plan.FromMillis}|{plan.ToMillis}|{plan.CountFacets}");

    /// <summary>The kept tallies of one segment core, least recently used dropped first past the byte budget.</summary>
    private sealed class TallyStore
    {
        private readonly Dictionary<string, LinkedListNode<(string Key, FacetedCollector.SegmentTally Tally)>> _entries = new(StringComparer.Ordinal);
        private readonly LinkedList<(string Key, FacetedCollector.SegmentTally Tally)> _recency = new();
        private readonly System.Threading.Lock _lock = new();
        private long _bytes;

        public FacetedCollector.SegmentTally? Get(string key)
        {
            lock (_lock)
            {
                if (!_entries.TryGetValue(key, out var node))
                {
                    return null;
                }

                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Tally;
            }
        }

        public void Put(string key, FacetedCollector.SegmentTally tally)
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var existing))
                {
                    Remove(existing);
                }

                _entries[key] = _recency.AddFirst((key, tally));
                _bytes += tally.Bytes;
                while (_bytes > BytesPerSegment && _recency.Last is { } oldest && oldest != _recency.First)
                {
                    Remove(oldest);
                }
            }
        }

        private void Remove(LinkedListNode<(string Key, FacetedCollector.SegmentTally Tally)> node)
        {
            _recency.Remove(node);
            _entries.Remove(node.Value.Key);
            _bytes -= node.Value.Tally.Bytes;
        }
    }
}

/// <summary>The deleted documents of a segment reader, listed once per set of live documents (a refresh that deletes more makes a new set).</summary>
internal static class DeletedDocs
{
    private static readonly ConditionalWeakTable<IBits, int[]> Lists = new();

    public static int[] Of(AtomicReader reader, IBits live) => Lists.GetValue(live, bits =>
    {
        var deleted = new List<int>(reader.NumDeletedDocs);
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            if (!bits.Get(doc))
            {
                deleted.Add(doc);
            }
        }

        return [.. deleted];
    });
}
