using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// "À lire aussi": French text similarity (MoreLikeThis through our analyzer), shared canonical
/// tags weighted by rarity (a rare shared tag counts far more than "IA"), and time proximity
/// (coverage of the same period first, an old reference piece can still win). Near-duplicates of
/// the source (same folded title, or nearly the same words) are left out.
/// </summary>
internal static class Relatedness
{
    /// <summary>Weights of the parts: rare shared tags, then text, time breaks near-ties (chosen on the judged set: P@5 0.645 against 0.600 for 0.55/0.35/0.10).</summary>
    public const double TextWeight = 0.40;
    public const double TagWeight = 0.50;
    public const double TimeWeight = 0.10;
    /// <summary>Time proximity halves every this many days apart.</summary>
    public const double TimeHalfLifeDays = 180;
    private const int Candidates = 60;
    /// <summary>Words of the source in the text query (MoreLikeThis's max query terms).</summary>
    private const int MaxQueryTerms = 20;
    /// <summary>Share of the text part that is the coverage of the source's interesting words (the rest is the text score against the best).</summary>
    private const double CoverageShare = 0.5;
    /// <summary>Text part from which a candidate is compared word by word with the source (a near-duplicate scores about 1).</summary>
    private const double NearDuplicateText = 0.6;

    public static Draft? Source(IndexSearcher searcher, string id, out int docId)
    {
        docId = -1;
        var top = searcher.Search(new TermQuery(new Term(ArticleDocument.Id, id)), 1);
        if (top.TotalHits == 0)
        {
            return null;
        }

        docId = top.ScoreDocs[0].Doc;
        var stored = ArticleDocument.Load(searcher, docId, ArticleDocument.ShownFields);
        return new Draft(stored.Title, string.Join('\n', stored.Summary ?? "", stored.Body), stored.TagLabels, stored.Rubric, stored.PublishedAt);
    }

    /// <summary>Related articles for a source; <paramref name="sourceDoc"/> is its document (-1 for a draft), never returned.</summary>
    public static List<RelatedArticle> Find(IndexSearcher searcher, ReaderFacts facts, Draft source, int sourceDoc, RelatedRequest request)
    {
        var text = string.Join('\n', source.Title ?? "", source.Text);
        var reader = searcher.IndexReader;
        var stats = facts.TagStats.Value;
        double n = Math.Max(1, stats.Articles);

        // Text: MoreLikeThis's term selection (tf × idf of the source's words), tuned for a news
        // site: Elasticsearch's defaults (min_doc_freq 5, min_term_freq 2) find nothing on a small
        // site or in a short piece. Terms in more than 1% of the articles (10 at least, for small
        // sites) say little about relatedness and cost the most postings. Done here rather than by
        // MoreLikeThis.RetrieveTerms, whose per-word DocFreq opens a terms enumerator per segment:
        // 24 ms of a 42 ms related list at 1M articles.
        var (sourceCounts, surface) = Words(text);
        var terms = InterestingTerms(reader, sourceCounts, maxDocFreq: Math.Max(10, reader.NumDocs / 100));
        var interesting = terms.Select(t => t.Word).ToArray();
        var textQuery = new BooleanQuery();
        foreach (var term in terms)
        {
            textQuery.Add(new TermQuery(new Term(ArticleDocument.Body, term.Word)) { Boost = terms[0].Score > 0 ? term.Score / terms[0].Score : 1 }, Occur.SHOULD);
        }

        // Tags: each shared canonical tag weighs its rarity, log(N / df).
        var sourceTags = source.Tags.Select(facts.Aliases.Key).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var tagWeights = sourceTags.ToDictionary(k => k, k => Math.Log(1 + n / Math.Max(1, stats.ByKey.GetValueOrDefault(k).Count)), StringComparer.Ordinal);
        // Shared tags are measured against the source's own tag weight, but never less than three
        // tags each on 5% of the articles: a source with one common tag does not score 1.0 with
        // everything that shares it (found on CERT-FR, where many advisories carry one risk label).
        var tagTotal = Math.Max(tagWeights.Values.Sum(), 3 * Math.Log(1 + 20));

        // No filter unless the request narrows the candidates: a filter over every article costs
        // more than the search; the source itself is dropped from the hits instead.
        var filter = Filter(source, request, facts);
        var textScores = new Dictionary<int, float>();
        if (request.Signals != RelatedSignals.TagsOnly && textQuery.Clauses.Count > 0)
        {
            foreach (var hit in searcher.Search(textQuery, filter, Candidates + 1).ScoreDocs.Where(h => h.Doc != sourceDoc))
            {
                textScores[hit.Doc] = hit.Score;
            }
        }

        var candidates = new HashSet<int>(textScores.Keys);
        if (request.Signals != RelatedSignals.TextOnly && sourceTags.Count > 0)
        {
            // Candidates come from the source's rarer tags: at most four, each on at most 2% of the
            // articles (1,000 at least), or else the rarest one — a common tag's postings are long and
            // it weighs little. Every shared tag still counts in the score below.
            var rare = Math.Max(1000, n / 50);
            var byRarity = sourceTags.OrderByDescending(k => tagWeights[k]).ThenBy(k => k, StringComparer.Ordinal).ToList();
            var seeds = request.Signals == RelatedSignals.TagsOnly
                ? byRarity
                : byRarity.Where(k => stats.ByKey.GetValueOrDefault(k).Count <= rare).Take(4).DefaultIfEmpty(byRarity[0]).ToList();
            var tagQuery = new BooleanQuery();
            foreach (var key in seeds)
            {
                tagQuery.Add(new TermQuery(new Term(ArticleDocument.Tag, key)) { Boost = (float)tagWeights[key] }, Occur.SHOULD);
            }

            candidates.UnionWith(searcher.Search(tagQuery, filter, Candidates + 1).ScoreDocs.Select(h => h.Doc).Where(d => d != sourceDoc));
        }

        var bestText = textScores.Count == 0 ? 1 : textScores.Values.Max();
        var matched = MatchedTerms(reader, candidates, interesting);
        var totalBoost = terms.Sum(t => t.Score);
        var sourceDay = source.PublishedAt ?? DateTimeOffset.FromUnixTimeMilliseconds(facts.NewestMillis);

        // Score every candidate from the per-segment arrays (tags, dates) without loading it…
        var scored = new List<(int Doc, double Score, double Text, double Tags, double Time, List<string> Keys, long Millis)>();
        var tagValues = new Dictionary<int, SortedSetDocValues?>();
        foreach (var docId in candidates)
        {
            var leafIndex = ReaderUtil.SubIndex(docId, reader.Leaves);
            var leaf = reader.Leaves[leafIndex];
            var local = docId - leaf.DocBase;
            var cache = SegmentCache.For(leaf.AtomicReader);
            if (!tagValues.TryGetValue(leafIndex, out var values))
            {
                tagValues[leafIndex] = values = leaf.AtomicReader.GetSortedSetDocValues(ArticleDocument.Tag);
            }

            var keys = new List<string>();
            var term = new Lucene.Net.Util.BytesRef();
            for (var i = cache.Tags.Starts[local]; i < cache.Tags.Starts[local + 1] && values != null; i++)
            {
                values.LookupOrd(cache.Tags.Ords[i], term);
                keys.Add(term.Utf8ToString());
            }

            // Text: the candidate's score against the best one, and how much of the source's
            // interesting words it shares (one rare word alone, like "H2" for a database and for
            // HTTP/2, does not make the same subject).
            var coverage = totalBoost > 0 ? matched[docId].Sum(i => terms[i].Score) / totalBoost : 0;
            var textPart = textScores.TryGetValue(docId, out var s) ? (1 - CoverageShare) * (s / bestText) + CoverageShare * coverage : 0;
            var tagPart = keys.Where(tagWeights.ContainsKey).Sum(k => tagWeights[k]) / tagTotal;
            var timePart = Math.Pow(2, -Math.Abs((DateTimeOffset.FromUnixTimeMilliseconds(cache.Millis[local]) - sourceDay).TotalDays) / TimeHalfLifeDays);
            var score = request.Signals switch
            {
                RelatedSignals.TextOnly => textPart,
                RelatedSignals.TagsOnly => tagPart,
                _ => TextWeight * textPart + TagWeight * tagPart + TimeWeight * timePart,
            };
            if (score > 0)
            {
                scored.Add((docId, score, textPart, tagPart, timePart, keys, cache.Millis[local]));
            }
        }

        // …then load and explain only the best, skipping near-duplicates of the source, until the limit.
        var sourceStems = sourceCounts.Keys.ToHashSet(StringComparer.Ordinal);
        var sourceTitle = Slug.From(source.Title);
        var results = new List<RelatedArticle>();
        foreach (var candidate in scored.OrderByDescending(c => Math.Round(c.Score, 4)).ThenByDescending(c => c.Millis).ThenBy(c => c.Doc))
        {
            if (results.Count == request.Limit)
            {
                break;
            }

            var stored = ArticleDocument.Load(searcher, candidate.Doc, ArticleDocument.ShownFields);
            var title = stored.Title;
            // Nearly the same words means nearly the best text score: only those are compared word by word.
            if ((sourceTitle.Length > 0 && Slug.From(title) == sourceTitle)
                || (candidate.Text >= NearDuplicateText && Jaccard(sourceStems, Words(title + "\n" + (stored.Summary ?? "") + "\n" + stored.Body).Counts.Keys.ToHashSet(StringComparer.Ordinal)) >= 0.9))
            {
                continue; // a near-duplicate of the source, not further reading
            }

            var keys = candidate.Keys.Distinct(StringComparer.Ordinal).ToList();
            results.Add(new RelatedArticle(
                stored.Id,
                stored.Slug,
                stored.Url,
                title,
                stored.PublishedAt,
                stored.Rubric,
                keys.Select(k => facts.Labels.GetValueOrDefault(k, k)).ToList(),
                Math.Round(candidate.Score, 4),
                new RelatedWhy(
                    keys.Where(tagWeights.ContainsKey).OrderByDescending(k => tagWeights[k]).Select(k => facts.Labels.GetValueOrDefault(k, k)).ToList(),
                    matched[candidate.Doc].Take(6).Select(i => surface.GetValueOrDefault(interesting[i], interesting[i])).ToList(),
                    Math.Round(candidate.Text, 4),
                    Math.Round(candidate.Tags, 4),
                    Math.Round(candidate.Time, 4))));
        }

        // Ties broken by date, then id: the same index and request always give the same order.
        return results
            .OrderByDescending(r => r.Score)
            .ThenByDescending(r => r.PublishedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
    }

    private static Filter? Filter(Draft source, RelatedRequest request, ReaderFacts facts)
    {
        var narrowed = request.ExcludeTags.Count > 0 || request.SameRubric || request.From != null || request.To != null;
        if (!narrowed)
        {
            return null;
        }

        var clauses = new BooleanQuery();
        clauses.Add(new MatchAllDocsQuery(), Occur.MUST);
        foreach (var tag in request.ExcludeTags)
        {
            clauses.Add(new TermQuery(new Term(ArticleDocument.Tag, facts.Aliases.Key(tag))), Occur.MUST_NOT);
        }

        if (request.SameRubric && source.Rubric is { } rubric && ArticleDocument.PathKeys(rubric) is { Count: > 0 } paths)
        {
            clauses.Add(new TermQuery(new Term(ArticleDocument.Rubric, paths[^1])), Occur.MUST);
        }

        var filter = new Lucene.Net.Queries.BooleanFilter { new Lucene.Net.Queries.FilterClause(new QueryWrapperFilter(clauses), Occur.MUST) };
        if (request.From != null || request.To != null)
        {
            filter.Add(FieldCacheRangeFilter.NewInt64Range(ArticleDocument.Published, request.From?.ToUnixTimeMilliseconds(), request.To?.ToUnixTimeMilliseconds(), true, true), Occur.MUST);
        }

        return filter;
    }

    /// <summary>
    /// The words worth a query, as MoreLikeThis picks them: stems of at least two characters found in
    /// at least two articles and at most <paramref name="maxDocFreq"/>, scored tf × idf (classic
    /// 1 + ln(N / (df + 1))), best first, ties by word. Document frequencies are read with one terms
    /// enumerator per segment, seeking the words in order.
    /// </summary>
    private static List<(string Word, float Score)> InterestingTerms(IndexReader reader, Dictionary<string, int> counts, int maxDocFreq)
    {
        var words = counts.Keys.Where(w => w.Length >= 2).Select(w => (Word: w, Bytes: new Lucene.Net.Util.BytesRef(w))).ToList();
        words.Sort((a, b) => a.Bytes.CompareTo(b.Bytes));
        var docFreqs = new int[words.Count];
        foreach (var leaf in reader.Leaves)
        {
            var termsEnum = leaf.AtomicReader.GetTerms(ArticleDocument.Body)?.GetEnumerator();
            for (var i = 0; termsEnum != null && i < words.Count; i++)
            {
                if (termsEnum.SeekExact(words[i].Bytes))
                {
                    docFreqs[i] += termsEnum.DocFreq;
                }
            }
        }

        double n = Math.Max(1, reader.NumDocs);
        return words
            .Select((w, i) => (w.Word, DocFreq: docFreqs[i]))
            .Where(w => w.DocFreq >= 2 && w.DocFreq <= maxDocFreq)
            .Select(w => (w.Word, Score: (float)(counts[w.Word] * (1 + Math.Log(n / (w.DocFreq + 1))))))
            .OrderByDescending(w => w.Score)
            .ThenBy(w => w.Word, StringComparer.Ordinal)
            .Take(MaxQueryTerms)
            .ToList();
    }

    /// <summary>How often each stem occurs in a text, and the first spelling of each as the text writes it (without its elided article).</summary>
    private static (Dictionary<string, int> Counts, Dictionary<string, string> Surface) Words(string text)
    {
        text = text.Length > 20_000 ? text[..20_000] : text;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var surface = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = FrenchAnalysis.Stemmed.GetTokenStream(ArticleDocument.Body, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var stem = term.ToString();
            counts[stem] = counts.GetValueOrDefault(stem) + 1;
            if (counts[stem] == 1)
            {
                var word = text[offset.StartOffset..offset.EndOffset];
                var apostrophe = word.IndexOfAny(['\'', '’']);
                surface[stem] = apostrophe >= 0 && apostrophe < word.Length - 1 ? word[(apostrophe + 1)..] : word;
            }
        }

        stream.End();
        return (counts, surface);
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b) =>
        a.Count + b.Count == 0 ? 0 : (double)a.Count(b.Contains) / (a.Count + b.Count - a.Count(b.Contains));

    /// <summary>For each candidate, the indexes of the source's interesting terms its body contains, read from the postings (one enumerator per term and segment, candidates in order).</summary>
    private static Dictionary<int, List<int>> MatchedTerms(IndexReader reader, IReadOnlyCollection<int> candidates, string[] interesting)
    {
        var matched = candidates.ToDictionary(d => d, _ => new List<int>());
        foreach (var group in candidates.Order().GroupBy(d => ReaderUtil.SubIndex(d, reader.Leaves)))
        {
            var leaf = reader.Leaves[group.Key];
            for (var i = 0; i < interesting.Length; i++)
            {
                var docs = leaf.AtomicReader.GetTermDocsEnum(new Term(ArticleDocument.Body, interesting[i]));
                if (docs == null)
                {
                    continue;
                }

                foreach (var docId in group)
                {
                    var local = docId - leaf.DocBase;
                    var at = docs.DocID;
                    if (at < local)
                    {
                        at = docs.Advance(local);
                    }

                    if (at == DocIdSetIterator.NO_MORE_DOCS)
                    {
                        break;
                    }

                    if (at == local)
                    {
                        matched[docId].Add(i);
                    }
                }
            }
        }

        return matched;
    }
}
