using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Queries.Mlt;
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

    private static readonly HashSet<string> SourceFields = [ArticleDocument.Id, ArticleDocument.Slug, ArticleDocument.Url, ArticleDocument.Title, ArticleDocument.Summary, ArticleDocument.Body, ArticleDocument.TagLabel, ArticleDocument.PublishedIso, ArticleDocument.RubricPath];

    public static Draft? Source(IndexSearcher searcher, string id, out int docId)
    {
        docId = -1;
        var top = searcher.Search(new TermQuery(new Term(ArticleDocument.Id, id)), 1);
        if (top.TotalHits == 0)
        {
            return null;
        }

        docId = top.ScoreDocs[0].Doc;
        var doc = searcher.Doc(docId, SourceFields);
        return new Draft(
            doc.Get(ArticleDocument.Title),
            string.Join('\n', doc.Get(ArticleDocument.Summary) ?? "", doc.Get(ArticleDocument.Body) ?? ""),
            doc.GetValues(ArticleDocument.TagLabel),
            doc.Get(ArticleDocument.RubricPath),
            DateTimeOffset.Parse(doc.Get(ArticleDocument.PublishedIso), System.Globalization.CultureInfo.InvariantCulture));
    }

    public static List<RelatedArticle> Find(IndexSearcher searcher, ReaderFacts facts, Draft source, string? sourceId, RelatedRequest request)
    {
        var text = string.Join('\n', source.Title ?? "", source.Text);
        var reader = searcher.IndexReader;
        var stats = facts.TagStats.Value;
        double n = Math.Max(1, stats.Articles);

        // Text: MoreLikeThis tuned for a news site (Elasticsearch's defaults, min_doc_freq 5 and
        // min_term_freq 2, find nothing on a small site or in a short piece).
        var mlt = new MoreLikeThis(reader)
        {
            Analyzer = FrenchAnalysis.Stemmed,
            FieldNames = [ArticleDocument.Body],
            MinTermFreq = 1,
            MinDocFreq = 2,
            MinWordLen = 2,
            MaxQueryTerms = 20,
            ApplyBoost = true,
            // Terms in more than 1% of the articles (10 at least, for small sites) say little about
            // relatedness and cost the most postings: at 25% a related list took 400 ms at 1M articles.
            MaxDocFreq = Math.Max(10, reader.NumDocs / 100),
        };
        // One pass over the source: its interesting terms make both the query and the "why".
        var terms = new List<ScoreTerm>();
        var queue = mlt.RetrieveTerms(new StringReader(text), ArticleDocument.Body);
        while (queue.Count > 0)
        {
            terms.Add(queue.Pop());
        }

        terms = terms.OrderByDescending(t => t.Score).ThenBy(t => t.Word, StringComparer.Ordinal).Take(mlt.MaxQueryTerms).ToList();
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

        var filter = Filter(sourceId, source, request, facts);
        var textScores = new Dictionary<int, float>();
        if (request.Signals != RelatedSignals.TagsOnly && textQuery.Clauses.Count > 0)
        {
            foreach (var hit in searcher.Search(textQuery, filter, Candidates).ScoreDocs)
            {
                textScores[hit.Doc] = hit.Score;
            }
        }

        var candidates = new HashSet<int>(textScores.Keys);
        if (request.Signals != RelatedSignals.TextOnly && sourceTags.Count > 0)
        {
            // Candidates come from the source's rarer tags (a common tag's postings are long and it
            // weighs little); every shared tag still counts in the score below.
            var tagQuery = new BooleanQuery();
            foreach (var key in sourceTags.OrderByDescending(k => tagWeights[k]).Take(request.Signals == RelatedSignals.TagsOnly ? sourceTags.Count : 4))
            {
                tagQuery.Add(new TermQuery(new Term(ArticleDocument.Tag, key)) { Boost = (float)tagWeights[key] }, Occur.SHOULD);
            }

            candidates.UnionWith(searcher.Search(tagQuery, filter, Candidates).ScoreDocs.Select(h => h.Doc));
        }

        var bestText = textScores.Count == 0 ? 1 : textScores.Values.Max();
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

            var textPart = textScores.TryGetValue(docId, out var s) ? s / bestText : 0;
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
        var sourceStems = Stems(text);
        var sourceTitle = Slug.From(source.Title);
        var results = new List<RelatedArticle>();
        foreach (var candidate in scored.OrderByDescending(c => Math.Round(c.Score, 4)).ThenByDescending(c => c.Millis).ThenBy(c => c.Doc))
        {
            if (results.Count == request.Limit)
            {
                break;
            }

            var doc = searcher.Doc(candidate.Doc, SourceFields);
            var title = doc.Get(ArticleDocument.Title);
            var stems = Stems(title + "\n" + (doc.Get(ArticleDocument.Summary) ?? "") + "\n" + (doc.Get(ArticleDocument.Body) ?? ""));
            if ((sourceTitle.Length > 0 && Slug.From(title) == sourceTitle) || Jaccard(sourceStems, stems) >= 0.9)
            {
                continue; // a near-duplicate of the source, not further reading
            }

            var keys = candidate.Keys.Distinct(StringComparer.Ordinal).ToList();
            results.Add(new RelatedArticle(
                doc.Get(ArticleDocument.Id),
                doc.Get(ArticleDocument.Slug),
                doc.Get(ArticleDocument.Url),
                title,
                DateTimeOffset.Parse(doc.Get(ArticleDocument.PublishedIso), System.Globalization.CultureInfo.InvariantCulture),
                doc.Get(ArticleDocument.RubricPath),
                keys.Select(k => facts.Labels.GetValueOrDefault(k, k)).ToList(),
                Math.Round(candidate.Score, 4),
                new RelatedWhy(
                    keys.Where(tagWeights.ContainsKey).OrderByDescending(k => tagWeights[k]).Select(k => facts.Labels.GetValueOrDefault(k, k)).ToList(),
                    SharedWords(interesting, stems, text),
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

    private static Filter? Filter(string? sourceId, Draft source, RelatedRequest request, ReaderFacts facts)
    {
        var clauses = new BooleanQuery();
        clauses.Add(new MatchAllDocsQuery(), Occur.MUST);
        if (sourceId != null)
        {
            clauses.Add(new TermQuery(new Term(ArticleDocument.Id, sourceId)), Occur.MUST_NOT);
        }

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

    private static HashSet<string> Stems(string text) =>
        FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, text.Length > 20_000 ? text[..20_000] : text).ToHashSet(StringComparer.Ordinal);

    private static double Jaccard(HashSet<string> a, HashSet<string> b) =>
        a.Count + b.Count == 0 ? 0 : (double)a.Count(b.Contains) / (a.Count + b.Count - a.Count(b.Contains));

    /// <summary>The source's interesting terms the candidate also uses, as words a reader recognises (the source's first spelling of each stem).</summary>
    private static List<string> SharedWords(string[] interesting, HashSet<string> candidateStems, string sourceText)
    {
        var wanted = interesting.Where(candidateStems.Contains).Take(6).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var surface = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = FrenchAnalysis.Stemmed.GetTokenStream(ArticleDocument.Body, sourceText.Length > 20_000 ? sourceText[..20_000] : sourceText);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken() && surface.Count < wanted.Count)
        {
            var stem = term.ToString();
            if (wanted.Contains(stem) && !surface.ContainsKey(stem))
            {
                var word = sourceText[offset.StartOffset..offset.EndOffset];
                var apostrophe = word.IndexOfAny(['\'', '’']);
                surface[stem] = apostrophe >= 0 && apostrophe < word.Length - 1 ? word[(apostrophe + 1)..] : word;
            }
        }

        stream.End();
        return wanted.Select(stem => surface.GetValueOrDefault(stem, stem)).ToList();
    }
}
