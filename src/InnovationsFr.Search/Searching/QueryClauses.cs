using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// A reader's query taken apart the way a pruned search needs it: its leaves (a term in a field, a
/// phrase), each with its own weight, the tree of optional clauses above them (a word over its
/// fields, a word and its synonyms, the proximity bonus), and the exclusions. Lucene.Net 4.8 scores
/// every document an OR query matches; Lucene 8 skips the ones that cannot reach the top (MaxScore,
/// block-max WAND). This is MaxScore over per-segment leaf bounds:
/// <list type="number">
/// <item><see cref="Matches"/>: which documents match, from the postings alone (no frequencies, no
/// scores) — what counts, totals and facets need; several times cheaper than scoring them.</item>
/// <item><see cref="Rank"/>: leaves sorted by the best score each can give in the segment; while
/// the smallest ones together cannot lift a document past the page's worst hit, they only add to
/// documents the others found (they are advanced to them, never iterated), and a document is
/// dropped as soon as what is left cannot make it competitive. A common word's body postings stop
/// leading once the page fills; its title postings, short, keep leading.</item>
/// </list>
/// A leaf's bound is the best score it gave in a segment it was scored on in full (a leaf first
/// seen is never skipped, and the search that scores it records its bound). Bounds are kept per
/// segment core and <see cref="StatisticsEpoch"/>: the statistics BM25 scores with are those of the
/// epoch, and a segment only loses documents. A document's score is added up the tree as Lucene's
/// scorers add it (each clause sums its children in double and gives a float; BM25 has no coord and
/// no query norm): the same score, to the bit, as scoring every match.
/// </summary>
internal sealed class QueryClauses
{
    /// <summary>Bounds a segment core keeps before they are dropped and learnt again (a bound on memory).</summary>
    internal const int MaxBoundsPerSegment = 20_000;

    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, LeafBound>> BoundsBySegment = new();

    private readonly Leaf[] _leaves;
    private readonly int[] _nodeParents;
    private readonly Leaf[] _excluded;

    // Per segment, from Matches to Rank (a QueryClauses serves one search, on one thread): for each
    // phrase, the documents holding all its words, which Rank walks instead of the phrase's positions.
    private FixedBitSet?[] _discovery = [];
    private int _discoveryOrd = -1;

    // Segments matched ahead, in parallel (MatchAhead), by segment ordinal: taken by Matches.
    private readonly ConcurrentDictionary<int, SegmentMatches> _ahead = new();

    private QueryClauses(Leaf[] leaves, int[] nodeParents, Leaf[] excluded)
    {
        _leaves = leaves;
        _nodeParents = nodeParents;
        _excluded = excluded;
    }

    /// <summary>Whether documents matching an excluded word are taken out.</summary>
    public bool HasExclusions => _excluded.Length > 0;

    /// <summary>
    /// The clauses of <paramref name="query"/>, or null when it is not a plain disjunction (optional
    /// clauses made of optional clauses, terms and phrases; exclusions at the top): those are
    /// searched the ordinary way. Only over an epoch's searcher (BM25), whose statistics bounds can be kept for.
    /// </summary>
    public static QueryClauses? For(IndexSearcher searcher, Query query)
    {
        if (searcher is not EpochSearcher epoch || searcher.Similarity is not Lucene.Net.Search.Similarities.BM25Similarity
            || searcher.Rewrite(query) is not BooleanQuery top || top.MinimumNumberShouldMatch != 0)
        {
            return null;
        }

        var leaves = new List<Leaf>();
        var nodeParents = new List<int> { -1 };
        var excluded = new List<Leaf>();
        foreach (var clause in top.Clauses)
        {
            if (clause.Occur == Occur.MUST)
            {
                return null;
            }

            var into = clause.Occur == Occur.MUST_NOT ? excluded : leaves;
            if (!Flatten(searcher, epoch.Epoch.Id, clause.Query, top.Boost, parent: 0, into, nodeParents))
            {
                return null;
            }
        }

        // A phrase matches only documents holding each of its words in its field: when the query also
        // has one of those words as a term of that field (the proximity bonus always does), the
        // phrase finds no document the term does not, and matching skips it.
        var terms = leaves.Where(l => l.Term != null).Select(l => l.Term!).ToHashSet();
        for (var i = 0; i < leaves.Count; i++)
        {
            if (leaves[i].Query is PhraseQuery phrase && phrase.GetTerms().Any(terms.Contains))
            {
                leaves[i] = leaves[i] with { Subsumed = true };
            }
        }

        return leaves.Count == 0 ? null : new QueryClauses([.. leaves], [.. nodeParents], [.. excluded]);
    }

    /// <summary>Adds the leaves of an optional clause under node <paramref name="parent"/>; false when it holds anything but optional clauses, terms and phrases.</summary>
    private static bool Flatten(IndexSearcher searcher, long epoch, Query query, float boost, int parent, List<Leaf> into, List<int> nodeParents)
    {
        switch (query)
        {
            case BooleanQuery boolean:
                if (boolean.MinimumNumberShouldMatch != 0)
                {
                    return false;
                }

                var node = nodeParents.Count;
                nodeParents.Add(parent);
                foreach (var clause in boolean.Clauses)
                {
                    if (clause.Occur != Occur.SHOULD || !Flatten(searcher, epoch, clause.Query, boost * boolean.Boost, node, into, nodeParents))
                    {
                        return false;
                    }
                }

                return true;
            case MatchAllDocsQuery:
                return false;
            default:
                // A term is looked up once per segment, for matching and for scoring.
                var states = query is TermQuery term ? TermContext.Build(searcher.TopReaderContext, term.Term) : null;
                if (states != null)
                {
                    query = new TermQuery(((TermQuery)query).Term, states) { Boost = query.Boost };
                }

                // Weighted as inside the whole query: BooleanWeight passes each clause its ancestors' boost.
                var weight = query.CreateWeight(searcher);
                weight.GetValueForNormalization();
                weight.Normalize(1f, boost);
                var key = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{epoch}|{boost:R}|{query}");
                into.Add(new Leaf(query, (query as TermQuery)?.Term, states, weight, key, parent));
                return true;
        }
    }

    /// <summary>
    /// Documents whose positions a phrase of the query may have to read, summed over its phrases
    /// (each phrase's rarest word's document frequency): a quoted phrase of two common words over a
    /// million articles reads positions in most of them to count its matches exactly.
    /// </summary>
    public long PhraseWork(IndexReader reader)
    {
        long work = 0;
        foreach (var leaf in _leaves)
        {
            if (leaf.Query is PhraseQuery phrase && !leaf.Subsumed)
            {
                work += phrase.GetTerms().Select(reader.DocFreq).DefaultIfEmpty(0).Min();
            }
        }

        return work;
    }

    /// <summary>
    /// Matches <paramref name="segments"/> on as many threads as there are cores, for <see cref="Matches"/>
    /// to take (with the same live documents) instead of matching them again: a segment's matches
    /// depend on no other segment's, unlike its ranking. What a heavy phrase costs is then spread
    /// over the cores, as Lucene's searcher with an executor, or Elasticsearch's concurrent segment
    /// search, spread it; the work, and so the throughput under load, is the same.
    /// </summary>
    public void MatchAhead(IReadOnlyList<(AtomicReaderContext Context, IBits? Live)> segments)
    {
        Parallel.ForEach(
            segments.OrderByDescending(s => s.Context.AtomicReader.MaxDoc),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            s => _ahead[s.Context.Ord] = Match(s.Context, s.Live));
    }

    /// <summary>The documents of the segment the query matches (among <paramref name="live"/> when given), from postings without frequencies.</summary>
    public FixedBitSet Matches(AtomicReaderContext context, IBits? live)
    {
        var found = _ahead.TryRemove(context.Ord, out var ahead) && ReferenceEquals(ahead.Live, live) ? ahead : Match(context, live);
        _discovery = found.Discovery;
        _discoveryOrd = context.Ord;
        return found.Matched;
    }

    private SegmentMatches Match(AtomicReaderContext context, IBits? live)
    {
        var reader = context.AtomicReader;
        var matched = new FixedBitSet(reader.MaxDoc);
        var enums = new Dictionary<string, TermsEnum?>(StringComparer.Ordinal);
        DocsEnum? reuse = null;
        var discovery = new FixedBitSet?[_leaves.Length];
        // Terms first: a phrase is then read (positions) only where nothing else matched.
        foreach (var leaf in _leaves)
        {
            if (leaf.Query is not PhraseQuery && !leaf.Subsumed)
            {
                reuse = Each(context, leaf, live, enums, reuse, matched, clear: false);
            }
        }

        for (var i = 0; i < _leaves.Length; i++)
        {
            var leaf = _leaves[i];
            if (leaf.Query is not PhraseQuery phrase)
            {
                continue;
            }

            // The documents holding every word of the phrase (no positions read): where it may match.
            var holding = (FixedBitSet?)null;
            foreach (var term in phrase.GetTerms())
            {
                var docs = new FixedBitSet(reader.MaxDoc);
                var postings = Postings(context, term, null, live, enums, reuse);
                Mark(postings, docs);
                reuse = postings ?? reuse;
                if (holding == null)
                {
                    holding = docs;
                }
                else
                {
                    holding.And(docs);
                }
            }

            holding ??= new FixedBitSet(reader.MaxDoc);
            discovery[i] = holding;
            if (leaf.Subsumed)
            {
                continue;
            }

            var unmatched = (FixedBitSet)holding.Clone();
            unmatched.AndNot(matched);
            if (unmatched.Cardinality == 0 || leaf.Weight.GetScorer(context, live) is not { } scorer)
            {
                continue;
            }

            for (var doc = unmatched.NextSetBit(0); doc >= 0; doc = doc + 1 < unmatched.Length ? unmatched.NextSetBit(doc + 1) : -1)
            {
                if (scorer.DocID < doc && scorer.Advance(doc) == DocIdSetIterator.NO_MORE_DOCS)
                {
                    break;
                }

                if (scorer.DocID == doc)
                {
                    matched.Set(doc);
                }
            }
        }

        foreach (var leaf in _excluded)
        {
            reuse = Each(context, leaf, live, enums, reuse, matched, clear: true);
        }

        return new SegmentMatches(live, matched, discovery);
    }

    /// <summary>Marks (or, with <paramref name="clear"/>, unmarks) the documents a leaf matches: a term from its postings, anything else through its scorer.</summary>
    private static DocsEnum? Each(AtomicReaderContext context, Leaf leaf, IBits? live, Dictionary<string, TermsEnum?> enums, DocsEnum? reuse, FixedBitSet matched, bool clear)
    {
        if (leaf.Term is not { } term)
        {
            Mark(leaf.Weight.GetScorer(context, live), matched, clear);
            return reuse;
        }

        var docs = Postings(context, term, leaf.States, live, enums, reuse);
        Mark(docs, matched, clear);
        return docs ?? reuse;
    }

    /// <summary>A term's documents in the segment, without frequencies (null when it has none there); its looked-up state is used when known.</summary>
    private static DocsEnum? Postings(AtomicReaderContext context, Term term, TermContext? states, IBits? live, Dictionary<string, TermsEnum?> enums, DocsEnum? reuse)
    {
        var state = states?.Get(context.Ord);
        if (states != null && state == null)
        {
            return null; // not in this segment
        }

        if (!enums.TryGetValue(term.Field, out var terms))
        {
            terms = enums[term.Field] = context.AtomicReader.GetTerms(term.Field)?.GetEnumerator();
        }

        if (terms == null)
        {
            return null;
        }

        if (state != null)
        {
            terms.SeekExact(term.Bytes, state);
        }
        else if (!terms.SeekExact(term.Bytes))
        {
            return null;
        }

        return terms.Docs(live, reuse, DocsFlags.NONE);
    }

    /// <summary>Sets (or clears) the bits of every document of <paramref name="docs"/>, writing the set's words directly (a delegate call per posting cost a fifth of matching).</summary>
    internal static void Mark(DocIdSetIterator? docs, FixedBitSet bits, bool clear = false)
    {
        if (docs == null)
        {
            return;
        }

        var words = bits.GetBits();
        int doc;
        if (clear)
        {
            while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                words[doc >> 6] &= ~(1L << doc);
            }
        }
        else
        {
            while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                words[doc >> 6] |= 1L << doc;
            }
        }
    }

    /// <summary>
    /// Offers <paramref name="collector"/> every document of <paramref name="candidates"/> that can
    /// still reach its page, with its score (MaxScore). With <paramref name="recordBounds"/> (the
    /// candidates are every document the leaves match in the segment), the best score of each
    /// leaf scored in full is kept as its bound.
    /// </summary>
    public void Rank(AtomicReaderContext context, FixedBitSet candidates, FacetedCollector collector, bool recordBounds)
    {
        var bounds = BoundsBySegment.GetValue(context.AtomicReader.CoreCacheKey, _ => new ConcurrentDictionary<string, LeafBound>(StringComparer.Ordinal));
        var count = _leaves.Length;
        var scorers = new Scorer?[count];
        var bound = new float[count];
        var blocks = new float[]?[count];
        var order = new List<int>(count);
        var shift = WindowShift(context.AtomicReader.MaxDoc);
        var windows = (context.AtomicReader.MaxDoc >> shift) + 1;
        for (var i = 0; i < count; i++)
        {
            scorers[i] = _leaves[i].Weight.GetScorer(context, null);
            if (scorers[i] != null)
            {
                if (bounds.TryGetValue(_leaves[i].Key, out var known))
                {
                    bound[i] = known.Max;
                    blocks[i] = known.Windows;
                }
                else
                {
                    bound[i] = float.PositiveInfinity;
                }

                order.Add(i);
            }
        }

        // Phrases lead through the documents holding their words (Matches listed them): positions
        // are read only where a document is worth scoring.
        var discovery = _discoveryOrd == context.Ord && _discovery.Length == count ? _discovery : new FixedBitSet?[count];

        // Smallest bound first: the leaves at the front are the first to stop leading.
        order.Sort((a, b) => bound[a].CompareTo(bound[b]));
        var sorted = order.ToArray();
        var m = sorted.Length;
        var at = new int[m];
        var reach = new double[m + 1];
        for (var t = 0; t < m; t++)
        {
            at[t] = Step(sorted[t], 0, discovery, scorers);
            reach[t + 1] = reach[t] + bound[sorted[t]];
        }

        // Ranks are score × a recency factor of at most MaxFactor (float arithmetic: a little slack).
        var maxFactor = RecencyBoost.FactorByDays(0) * (1 + 1e-5);
        var threshold = collector.Threshold;
        var leading = 0; // sorted[leading..] lead; sorted[..leading] only add
        while (leading < m && reach[leading + 1] * maxFactor < threshold)
        {
            leading++;
        }

        var scores = new float[count];
        var sums = new double[_nodeParents.Length];
        var best = new float[count];
        var bestByWindow = new float[count][];
        var window = -1;
        var inWindow = new float[m]; // each leaf's bound in the current window, by sorted position
        var windowReach = new double[m + 1];
        while (leading < m)
        {
            var doc = DocIdSetIterator.NO_MORE_DOCS;
            for (var t = leading; t < m; t++)
            {
                doc = Math.Min(doc, at[t]);
            }

            if (doc == DocIdSetIterator.NO_MORE_DOCS)
            {
                break;
            }

            // A new window of documents: skipped whole when its leaves' best scores there cannot
            // reach the page (block-max: a common word's postings are mostly weak matches).
            if (doc >> shift != window)
            {
                window = doc >> shift;
                for (var t = 0; t < m; t++)
                {
                    var i = sorted[t];
                    inWindow[t] = at[t] == DocIdSetIterator.NO_MORE_DOCS ? 0 : blocks[i] is { } known ? known[window] : bound[i];
                    windowReach[t + 1] = windowReach[t] + inWindow[t];
                }

                if (windowReach[m] * maxFactor < threshold)
                {
                    var next = (window + 1) << shift;
                    for (var t = leading; t < m; t++)
                    {
                        if (at[t] < next)
                        {
                            at[t] = Step(sorted[t], next, discovery, scorers);
                        }
                    }

                    continue;
                }
            }

            collector.Tick();
            // Bounds before scores: the leaves at this document and what the others can add here.
            var most = windowReach[leading];
            for (var t = leading; t < m; t++)
            {
                if (at[t] == doc)
                {
                    most += inWindow[t];
                }
            }

            if (most * maxFactor < threshold || !candidates.Get(doc))
            {
                for (var t = leading; t < m; t++)
                {
                    if (at[t] == doc)
                    {
                        at[t] = Step(sorted[t], doc + 1, discovery, scorers);
                    }
                }

                continue;
            }

            Array.Clear(scores);
            var sum = 0d;
            for (var t = leading; t < m; t++)
            {
                if (at[t] == doc)
                {
                    var i = sorted[t];
                    var scorer = scorers[i]!;
                    if (discovery[i] != null)
                    {
                        at[t] = Step(i, doc + 1, discovery, scorers); // the discovery set, not the scorer
                        if (scorer.DocID > doc || (scorer.DocID < doc && scorer.Advance(doc) != doc))
                        {
                            continue; // holds the phrase's words, not the phrase
                        }
                    }

                    var score = scorer.GetScore();
                    scores[i] = score;
                    if (score > best[i])
                    {
                        best[i] = score;
                    }

                    if (float.IsPositiveInfinity(bound[i]))
                    {
                        var byWindow = bestByWindow[i] ??= new float[windows];
                        byWindow[window] = Math.Max(byWindow[window], score);
                    }

                    sum += score;
                    if (discovery[i] == null)
                    {
                        at[t] = scorer.NextDoc();
                    }
                }
            }

            // The leaves that only add, terms first (a phrase reads positions): stop as soon as what
            // is left cannot make the document competitive.
            var competitive = true;
            var rest = windowReach[leading];
            for (var pass = 0; pass < 2 && competitive; pass++)
            {
                for (var t = leading - 1; t >= 0; t--)
                {
                    var i = sorted[t];
                    if ((_leaves[i].Term == null) != (pass == 1))
                    {
                        continue;
                    }

                    if ((sum + rest) * maxFactor < threshold)
                    {
                        competitive = false;
                        break;
                    }

                    rest -= inWindow[t];
                    var position = discovery[i] == null ? at[t] : scorers[i]!.DocID;
                    if (position < doc)
                    {
                        position = scorers[i]!.Advance(doc);
                        if (discovery[i] == null)
                        {
                            at[t] = position;
                        }
                    }

                    if (position == doc)
                    {
                        scores[i] = scorers[i]!.GetScore();
                        sum += scores[i];
                    }
                }
            }

            if (!competitive)
            {
                continue;
            }

            collector.Scored(doc, Total(scores, sums));
            if (collector.Threshold > threshold)
            {
                threshold = collector.Threshold;
                while (leading < m && reach[leading + 1] * maxFactor < threshold)
                {
                    leading++;
                }
            }
        }

        if (!recordBounds)
        {
            return;
        }

        // A leaf that led to the end was scored on every document it matches.
        if (bounds.Count > MaxBoundsPerSegment)
        {
            bounds.Clear();
        }

        for (var t = leading; t < m; t++)
        {
            var i = sorted[t];
            if (float.IsPositiveInfinity(bound[i]))
            {
                bounds[_leaves[i].Key] = new LeafBound(best[i], bestByWindow[i] ?? new float[windows]);
            }
        }
    }

    /// <summary>Where leaf <paramref name="i"/> leads next, at or after <paramref name="target"/>: its scorer, or the documents holding a phrase's words.</summary>
    private static int Step(int i, int target, FixedBitSet?[] discovery, Scorer?[] scorers)
    {
        if (discovery[i] is { } holding)
        {
            var next = target < holding.Length ? holding.NextSetBit(target) : -1;
            return next < 0 ? DocIdSetIterator.NO_MORE_DOCS : next;
        }

        var scorer = scorers[i]!;
        return target <= scorer.DocID + 1 ? scorer.NextDoc() : scorer.Advance(target);
    }

    /// <summary>A document's score from its leaves' scores, added up the tree as Lucene's scorers do (children in double, each clause a float).</summary>
    private float Total(float[] scores, double[] sums)
    {
        Array.Clear(sums);
        for (var i = 0; i < scores.Length; i++)
        {
            sums[_leaves[i].Parent] += scores[i];
        }

        // Nodes were numbered parents first: the last ones are the deepest.
        for (var node = sums.Length - 1; node > 0; node--)
        {
            sums[_nodeParents[node]] += (float)sums[node];
        }

        return (float)sums[0];
    }

    /// <summary>The scores of <paramref name="docs"/> (ascending), as <see cref="Rank"/> computes them.</summary>
    public float[] Scores(AtomicReaderContext context, int[] docs)
    {
        var byLeaf = new float[docs.Length, _leaves.Length];
        for (var i = 0; i < _leaves.Length; i++)
        {
            if (_leaves[i].Weight.GetScorer(context, null) is not { } scorer)
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
                    byLeaf[d, i] = scorer.GetScore();
                }
            }
        }

        var scores = new float[_leaves.Length];
        var sums = new double[_nodeParents.Length];
        var totals = new float[docs.Length];
        for (var d = 0; d < docs.Length; d++)
        {
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = byLeaf[d, i];
            }

            totals[d] = Total(scores, sums);
        }

        return totals;
    }

    /// <summary>Windows of 2^shift documents, about 64 a segment (at least 1,024 documents: a window costs a sum over the leaves).</summary>
    private static int WindowShift(int maxDoc) => Math.Max(10, 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, maxDoc / 64)));

    /// <summary>A segment's matches among <see cref="Live"/>, and, for each phrase, the documents holding all its words.</summary>
    private sealed record SegmentMatches(IBits? Live, FixedBitSet Matched, FixedBitSet?[] Discovery);

    /// <summary>A leaf's best score in a segment, overall and by window of documents.</summary>
    private sealed record LeafBound(float Max, float[] Windows);

    /// <summary>A term or a phrase: its weight within the whole query, its bound's key, and the clause it belongs to.</summary>
    private sealed record Leaf(Query Query, Term? Term, TermContext? States, Weight Weight, string Key, int Parent)
    {
        /// <summary>A phrase whose matches a term of the query already finds (not read when matching).</summary>
        public bool Subsumed { get; init; }
    }
}
