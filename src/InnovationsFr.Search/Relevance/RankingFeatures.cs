using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// What a learned ranking knows of a candidate: the first stage's score and rank, each field's BM25
/// for the reader's words (title, exact title, summary, body, tags), the share of the words matched,
/// the whole query as a phrase and near each other, lengths, age, whether typo tolerance answered,
/// and what editors' judgments and readers' clicks said of the article (<see cref="RankingPriors"/>).
/// Computed for the first stage's top candidates only, from postings, norms and doc values (no
/// stored field is read): the same code for training and for serving.
/// </summary>
internal static class RankingFeatures
{
    /// <summary>The features, in the order of each vector. A model records them and is refused when they differ.</summary>
    public static readonly string[] Names =
    [
        "first_stage_score", "first_stage_rank",
        "title_bm25", "title_exact_bm25", "summary_bm25", "body_bm25", "tags_bm25",
        "matched_share", "title_share", "body_share", "tags_share",
        "title_phrase", "body_phrase", "body_near",
        "title_norm", "body_norm", "age_days_log",
        "typo_tolerant", "query_words",
        "prior_article", "prior_query_best", "prior_query_sum", "prior_rubric", "prior_query_coverage",
    ];

    /// <summary>Indexes of the prior features: a model learnt without priors sees them as zero.</summary>
    public static readonly int[] PriorFeatures = [19, 20, 21, 22, 23];

    /// <summary>How far apart the query's words may stand for <c>body_near</c>.</summary>
    private const int NearSlop = 6;

    private static readonly (string Field, int Feature, int Share)[] StemmedFields =
    [
        (ArticleDocument.Title, 2, 8),
        (ArticleDocument.Summary, 4, -1),
        (ArticleDocument.Body, 5, 9),
        (ArticleDocument.TagsText, 6, 10),
    ];

    /// <summary>The feature vectors of <paramref name="candidates"/> (searcher-wide document numbers, best first), in their order, and their article ids.</summary>
    public static (float[][] Rows, string[] Ids) Compute(IndexSearcher searcher, UserQuery query, IReadOnlyList<ScoreDoc> candidates, bool typoTolerant, long newestMillis, RankingPriors? priors)
    {
        var rows = new float[candidates.Count][];
        var wanted = query.Parts.Where(p => !p.Excluded).ToList();
        var stems = query.WantedStems;
        var exact = wanted.SelectMany(p => p.Exact.Select(t => t.Term)).Distinct(StringComparer.Ordinal).ToList();
        var byDoc = new Dictionary<int, int>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            rows[i] = new float[Names.Length];
            rows[i][0] = candidates[i].Score;
            rows[i][1] = i;
            rows[i][17] = typoTolerant ? 1 : 0;
            rows[i][18] = stems.Count;
            byDoc[candidates[i].Doc] = i;
        }

        if (candidates.Count == 0)
        {
            return (rows, []);
        }

        var inOrder = byDoc.OrderBy(e => e.Key).ToArray();
        var sorted = new Candidates([.. inOrder.Select(e => e.Key)], [.. inOrder.Select(e => e.Value)]);

        // The whole query as one phrase (stop-word gaps kept): it can match only where a field holds
        // every one of its words, so each field counts the phrase's words it holds.
        var positions = wanted.Count == 0 ? [] : Positions(wanted);
        var phraseWords = positions.Select(p => p.Term).ToHashSet(StringComparer.Ordinal);
        var phraseWordsIn = new Dictionary<string, int[]>(StringComparer.Ordinal)
        {
            [ArticleDocument.Title] = new int[candidates.Count],
            [ArticleDocument.Body] = new int[candidates.Count],
        };

        var matchedAny = new HashSet<string>?[candidates.Count];
        foreach (var (field, feature, share) in StemmedFields)
        {
            var holding = phraseWordsIn.GetValueOrDefault(field);
            foreach (var stem in stems)
            {
                var counted = holding != null && phraseWords.Contains(stem);
                Each(searcher, new TermQuery(new Term(field, stem)), sorted, (row, score) =>
                {
                    rows[row][feature] += score;
                    if (share >= 0)
                    {
                        rows[row][share] += 1f / stems.Count;
                    }

                    if (counted)
                    {
                        holding![row]++;
                    }

                    (matchedAny[row] ??= new HashSet<string>(StringComparer.Ordinal)).Add(stem);
                });
            }
        }

        foreach (var word in exact)
        {
            Each(searcher, new TermQuery(new Term(ArticleDocument.TitleExact, word)), sorted, (row, score) => rows[row][3] += score);
        }

        for (var i = 0; i < rows.Length; i++)
        {
            rows[i][7] = stems.Count == 0 ? 0 : (matchedAny[i]?.Count ?? 0) / (float)stems.Count;
        }

        // The phrase exactly and loosely, read from positions only for the candidates that may match
        // (reading them is most of the features' cost): a field holding all its words; an exact match
        // in the body is also a near one.
        if (positions.Count >= 2)
        {
            var all = phraseWords.Count;
            Each(searcher, Phrase(ArticleDocument.Title, positions, 0), sorted.Where(row => phraseWordsIn[ArticleDocument.Title][row] == all), (row, score) => rows[row][11] = score);
            Each(searcher, Phrase(ArticleDocument.Body, positions, NearSlop), sorted.Where(row => phraseWordsIn[ArticleDocument.Body][row] == all), (row, score) => rows[row][13] = score);
            Each(searcher, Phrase(ArticleDocument.Body, positions, 0), sorted.Where(row => rows[row][13] > 0), (row, score) => rows[row][12] = score);
        }

        var ids = new string[candidates.Count];
        foreach (var context in searcher.IndexReader.Leaves)
        {
            var reader = context.AtomicReader;
            var titleNorms = reader.GetNormValues(ArticleDocument.Title);
            var bodyNorms = reader.GetNormValues(ArticleDocument.Body);
            var published = reader.GetNumericDocValues(ArticleDocument.Published);
            var idValues = reader.GetSortedDocValues(ArticleDocument.Id);
            var rubrics = priors == null ? null : reader.GetSortedSetDocValues(ArticleDocument.Rubric);
            var bytes = new BytesRef();
            foreach (var (doc, row) in byDoc)
            {
                var local = doc - context.DocBase;
                if (local < 0 || local >= reader.MaxDoc)
                {
                    continue;
                }

                rows[row][14] = titleNorms?.Get(local) ?? 0;
                rows[row][15] = bodyNorms?.Get(local) ?? 0;
                var days = published == null ? 0 : Math.Max(0, (newestMillis - published.Get(local)) / 86_400_000.0);
                rows[row][16] = (float)Math.Log(1 + days);
                if (idValues != null)
                {
                    idValues.Get(local, bytes);
                    ids[row] = bytes.Utf8ToString();
                }

                if (rubrics != null && ArticleDocument.TopRubric(rubrics, local) is { } rubric)
                {
                    rows[row][22] = priors!.OfRubric(rubric);
                }
            }
        }

        if (priors != null)
        {
            var prepared = priors.Prepare(stems);
            for (var i = 0; i < rows.Length; i++)
            {
                var (article, best, sum, coverage) = priors.Of(ids[i], prepared);
                rows[i][19] = article;
                rows[i][20] = best;
                rows[i][21] = sum;
                rows[i][23] = coverage;
            }
        }

        return (rows, ids);
    }

    /// <summary>The wanted parts' stems one after the other, as a phrase would read them (each part's gaps kept, parts adjacent).</summary>
    private static List<(string Term, int Position)> Positions(List<QueryPart> parts)
    {
        var positions = new List<(string, int)>();
        var next = 0;
        foreach (var part in parts.Take(UserQuery.MaxParts))
        {
            var stemmed = part.Stemmed;
            if (stemmed.Count == 0)
            {
                continue;
            }

            var first = stemmed[0].Position;
            foreach (var (term, position) in stemmed)
            {
                positions.Add((term, next + position - first));
            }

            next += stemmed[^1].Position - first + 1;
        }

        return positions;
    }

    private static PhraseQuery Phrase(string field, List<(string Term, int Position)> positions, int slop)
    {
        var phrase = new PhraseQuery { Slop = slop };
        foreach (var (term, position) in positions)
        {
            phrase.Add(new Term(field, term), position);
        }

        return phrase;
    }

    /// <summary>The candidates in document order, each with its row.</summary>
    private sealed record Candidates(int[] Docs, int[] Rows)
    {
        /// <summary>Those whose row <paramref name="keep"/> keeps, still in document order.</summary>
        public Candidates Where(Func<int, bool> keep)
        {
            var kept = Enumerable.Range(0, Docs.Length).Where(i => keep(Rows[i])).ToArray();
            return new Candidates([.. kept.Select(i => Docs[i])], [.. kept.Select(i => Rows[i])]);
        }
    }

    /// <summary>Calls <paramref name="found"/> with the row and score of each candidate <paramref name="query"/> matches.</summary>
    private static void Each(IndexSearcher searcher, Query query, Candidates byDoc, Action<int, float> found)
    {
        var docs = byDoc.Docs;
        if (docs.Length == 0)
        {
            return;
        }

        var weight = searcher.CreateNormalizedWeight(query);
        var at = 0;
        foreach (var context in searcher.IndexReader.Leaves)
        {
            var end = context.DocBase + context.AtomicReader.MaxDoc;
            if (at >= docs.Length || docs[at] >= end)
            {
                continue;
            }

            var scorer = weight.GetScorer(context, context.AtomicReader.LiveDocs);
            for (; at < docs.Length && docs[at] < end; at++)
            {
                var local = docs[at] - context.DocBase;
                if (scorer == null || (scorer.DocID < local && scorer.Advance(local) == DocIdSetIterator.NO_MORE_DOCS))
                {
                    scorer = null;
                    continue;
                }

                if (scorer.DocID == local)
                {
                    found(byDoc.Rows[at], scorer.GetScore());
                }
            }
        }
    }
}
