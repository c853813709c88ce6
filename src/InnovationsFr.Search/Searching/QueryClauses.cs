using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// A reader's query taken apart the way a pruned search needs it: the top-level optional clauses
/// (one per word or phrase, its synonyms, the proximity bonus), each with its own weight, and the
/// exclusions. Lucene.Net 4.8 scores every document an OR query matches; Lucene 8 skips the ones
/// that cannot reach the top (MaxScore, block-max WAND). This is MaxScore over per-segment clause
/// bounds:
/// <list type="number">
/// <item><see cref="Matches"/>: which documents match, from the postings alone (no frequencies, no
/// scores) — what counts, totals and facets need; several times cheaper than scoring them.</item>
/// <item><see cref="Rank"/>: clauses sorted by the best score each can give in the segment; while
/// the smallest ones together cannot lift a document past the page's worst hit, they only add to
/// documents the others found (they are advanced to them, never iterated), and a document is
/// dropped as soon as what is left cannot make it competitive.</item>
/// </list>
/// A clause's bound is the best score it gave in a segment it was scored on in full (a clause
/// first seen is never skipped, and the search that scores it records its bound). Bounds are kept
/// per segment core and <see cref="StatisticsEpoch"/>: the statistics BM25 scores with are those of
/// the epoch, and a segment only loses documents. A document's score is the sum of its clauses'
/// scores in clause order, in double, as Lucene's BooleanScorer adds them (BM25 has no coord and
/// no query norm): the same score Lucene gives.
/// </summary>
internal sealed class QueryClauses
{
    /// <summary>Bounds a segment core keeps before they are dropped and learnt again (a bound on memory).</summary>
    internal const int MaxBoundsPerSegment = 20_000;

    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, float>> BoundsBySegment = new();

    private readonly Weight[] _weights;
    private readonly string[] _keys;
    private readonly Leaf[][] _leaves;
    private readonly Leaf[] _excluded;

    private QueryClauses(Weight[] weights, string[] keys, Leaf[][] leaves, Leaf[] excluded)
    {
        _weights = weights;
        _keys = keys;
        _leaves = leaves;
        _excluded = excluded;
    }

    /// <summary>Whether documents matching an excluded word are taken out.</summary>
    public bool HasExclusions => _excluded.Length > 0;

    /// <summary>
    /// The clauses of <paramref name="query"/>, or null when it is not a plain disjunction (optional
    /// clauses made of optional clauses, terms and phrases; exclusions at the top): those are
    /// searched the ordinary way. Only over an epoch's searcher, whose statistics bounds can be kept for.
    /// </summary>
    public static QueryClauses? For(IndexSearcher searcher, Query query)
    {
        if (searcher is not EpochSearcher epoch || searcher.Rewrite(query) is not BooleanQuery top || top.MinimumNumberShouldMatch != 0 || top.Boost != 1f)
        {
            return null;
        }

        var weights = new List<Weight>();
        var keys = new List<string>();
        var leaves = new List<Leaf[]>();
        var excluded = new List<Leaf>();
        foreach (var clause in top.Clauses)
        {
            var found = new List<Leaf>();
            if (clause.Occur == Occur.MUST || !Flatten(searcher, clause.Query, found))
            {
                return null;
            }

            if (clause.Occur == Occur.MUST_NOT)
            {
                excluded.AddRange(found);
                continue;
            }

            weights.Add(searcher.CreateNormalizedWeight(clause.Query));
            keys.Add(epoch.Epoch.Id + "|" + clause.Query);
            leaves.Add([.. found]);
        }

        return weights.Count == 0 ? null : new QueryClauses([.. weights], [.. keys], [.. leaves], [.. excluded]);
    }

    /// <summary>The terms and other leaves a clause matches by, when it only nests optional clauses.</summary>
    private static bool Flatten(IndexSearcher searcher, Query query, List<Leaf> into)
    {
        switch (query)
        {
            case BooleanQuery boolean:
                if (boolean.MinimumNumberShouldMatch != 0)
                {
                    return false;
                }

                foreach (var clause in boolean.Clauses)
                {
                    if (clause.Occur != Occur.SHOULD || !Flatten(searcher, clause.Query, into))
                    {
                        return false;
                    }
                }

                return true;
            case TermQuery term:
                into.Add(new Leaf(term.Term, null));
                return true;
            case MatchAllDocsQuery:
                return false;
            default:
                into.Add(new Leaf(null, searcher.CreateNormalizedWeight(query)));
                return true;
        }
    }

    /// <summary>The documents of the segment the query matches (among <paramref name="live"/> when given), from postings without frequencies.</summary>
    public FixedBitSet Matches(AtomicReaderContext context, IBits? live)
    {
        var reader = context.AtomicReader;
        var matched = new FixedBitSet(reader.MaxDoc);
        var enums = new Dictionary<string, TermsEnum?>(StringComparer.Ordinal);
        DocsEnum? reuse = null;
        foreach (var clause in _leaves)
        {
            foreach (var leaf in clause)
            {
                reuse = Each(context, leaf, live, enums, reuse, matched.Set);
            }
        }

        foreach (var leaf in _excluded)
        {
            reuse = Each(context, leaf, live, enums, reuse, matched.Clear);
        }

        return matched;
    }

    private static DocsEnum? Each(AtomicReaderContext context, Leaf leaf, IBits? live, Dictionary<string, TermsEnum?> enums, DocsEnum? reuse, Action<int> action)
    {
        DocIdSetIterator? docs;
        if (leaf.Term is { } term)
        {
            if (!enums.TryGetValue(term.Field, out var terms))
            {
                terms = enums[term.Field] = context.AtomicReader.GetTerms(term.Field)?.GetEnumerator();
            }

            if (terms == null || !terms.SeekExact(term.Bytes))
            {
                return reuse;
            }

            docs = reuse = terms.Docs(live, reuse, DocsFlags.NONE);
        }
        else
        {
            docs = leaf.Weight!.GetScorer(context, live);
        }

        if (docs == null)
        {
            return reuse;
        }

        int doc;
        while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
        {
            action(doc);
        }

        return reuse;
    }

    /// <summary>
    /// Offers <paramref name="collector"/> every document of <paramref name="candidates"/> that can
    /// still reach its page, with its score (MaxScore). With <paramref name="recordBounds"/> (the
    /// candidates are every document the clauses match in the segment), the best score of each
    /// clause scored in full is kept as its bound.
    /// </summary>
    public void Rank(AtomicReaderContext context, FixedBitSet candidates, FacetedCollector collector, bool recordBounds)
    {
        var count = _weights.Length;
        var bounds = BoundsBySegment.GetValue(context.AtomicReader.CoreCacheKey, _ => new ConcurrentDictionary<string, float>(StringComparer.Ordinal));
        var scorers = new Scorer?[count];
        var bound = new float[count];
        var order = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            scorers[i] = _weights[i].GetScorer(context, null);
            if (scorers[i] is { } scorer && scorer.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
            {
                bound[i] = bounds.TryGetValue(_keys[i], out var known) ? known : float.PositiveInfinity;
                order.Add(i);
            }
        }

        // Smallest bound first: the clauses at the front are the first to stop leading.
        order.Sort((a, b) => bound[a].CompareTo(bound[b]));
        var sorted = order.ToArray();
        var reach = new double[sorted.Length + 1];
        for (var t = 0; t < sorted.Length; t++)
        {
            reach[t + 1] = reach[t] + bound[sorted[t]];
        }

        // Ranks are score × a recency factor of at most MaxFactor (float arithmetic: a little slack).
        var maxFactor = RecencyBoost.FactorByDays(0) * (1 + 1e-5);
        var threshold = collector.Threshold;
        var leading = 0; // sorted[leading..] lead; sorted[..leading] only add
        while (leading < sorted.Length && reach[leading + 1] * maxFactor < threshold)
        {
            leading++;
        }

        var scores = new float[count];
        var best = new float[count];
        while (leading < sorted.Length)
        {
            var doc = DocIdSetIterator.NO_MORE_DOCS;
            for (var t = leading; t < sorted.Length; t++)
            {
                doc = Math.Min(doc, scorers[sorted[t]]!.DocID);
            }

            if (doc == DocIdSetIterator.NO_MORE_DOCS)
            {
                break;
            }

            collector.Tick();
            if (!candidates.Get(doc))
            {
                for (var t = leading; t < sorted.Length; t++)
                {
                    if (scorers[sorted[t]]!.DocID == doc)
                    {
                        scorers[sorted[t]]!.NextDoc();
                    }
                }

                continue;
            }

            Array.Clear(scores);
            var sum = 0d;
            for (var t = leading; t < sorted.Length; t++)
            {
                var i = sorted[t];
                var scorer = scorers[i]!;
                if (scorer.DocID == doc)
                {
                    var score = scorer.GetScore();
                    scores[i] = score;
                    best[i] = Math.Max(best[i], score);
                    sum += score;
                    scorer.NextDoc();
                }
            }

            var competitive = true;
            for (var t = leading - 1; t >= 0; t--)
            {
                if ((sum + reach[t + 1]) * maxFactor < threshold)
                {
                    competitive = false;
                    break;
                }

                var i = sorted[t];
                var scorer = scorers[i]!;
                if (scorer.DocID < doc)
                {
                    scorer.Advance(doc);
                }

                if (scorer.DocID == doc)
                {
                    scores[i] = scorer.GetScore();
                    sum += scores[i];
                }
            }

            if (!competitive)
            {
                continue;
            }

            var exact = 0d;
            for (var i = 0; i < count; i++)
            {
                exact += scores[i];
            }

            collector.Scored(doc, (float)exact);
            if (collector.Threshold > threshold)
            {
                threshold = collector.Threshold;
                while (leading < sorted.Length && reach[leading + 1] * maxFactor < threshold)
                {
                    leading++;
                }
            }
        }

        if (!recordBounds)
        {
            return;
        }

        // A clause that led to the end was scored on every document it matches.
        if (bounds.Count > MaxBoundsPerSegment)
        {
            bounds.Clear();
        }

        for (var t = leading; t < sorted.Length; t++)
        {
            var i = sorted[t];
            if (float.IsPositiveInfinity(bound[i]))
            {
                bounds[_keys[i]] = best[i];
            }
        }
    }

    /// <summary>The scores of <paramref name="docs"/> (ascending), as <see cref="Rank"/> computes them.</summary>
    public float[] Scores(AtomicReaderContext context, int[] docs)
    {
        var scores = new double[docs.Length];
        foreach (var weight in _weights)
        {
            if (weight.GetScorer(context, null) is not { } scorer)
            {
                continue;
            }

            for (var d = 0; d < docs.Length; d++)
            {
                if (scorer.DocID < docs[d] && scorer.Advance(docs[d]) == DocIdSetIterator.NO_MORE_DOCS)
                {
                    break;
                }

                if (scorer.DocID == docs[d])
                {
                    scores[d] += scorer.GetScore();
                }
            }
        }

        return [.. scores.Select(s => (float)s)];
    }

    /// <summary>A term (matched from its postings) or another query (phrase: matched by its scorer).</summary>
    private readonly record struct Leaf(Term? Term, Weight? Weight);
}
