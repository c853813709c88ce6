using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Indexer;

/// <summary>
/// The relevance evaluation: a test collection in the format of ../shared/eval/*/ (docs.jsonl,
/// queries*.jsonl, qrels.tsv) indexed with the product's own analysis in a temporary folder, every
/// query run through the same code path as /api/search (SearchIndex.Search: typo fallback and
/// synonyms included), and the metrics printed as "label metric value" lines.
/// </summary>
internal static class RelevanceEval
{
    /// <summary>Documents without a date are dated this (an old reference page: no recency bonus).</summary>
    private static readonly DateTimeOffset Undated = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string dataset, string? queriesFile, string split, string? runFile, bool baseline, string? synonymsFile, string? modelFile, TextWriter output, CancellationToken cancellationToken)
    {
        var (qrelsPath, queryFile) = Collection(dataset, queriesFile, split);
        var judgments = RelevanceJudgments.LoadQrels(qrelsPath);
        if (modelFile != null)
        {
            // Refused here, not silently ignored by the index: a model that cannot be read measures nothing.
            RankingModel.Load(modelFile);
        }

        using var collection = await IndexedCollection.OpenAsync(dataset, synonymsFile, modelFile, output, cancellationToken);
        var index = collection.Index;
        using var bare = baseline ? new BaselineRanker(collection.Documents) : null;
        using var run = runFile != null ? new StreamWriter(runFile) : null;
        var queries = ReadQueries(queryFile).Where(q => judgments.ByQuery.ContainsKey(q.Id)).ToList();
        var label = Path.GetFileName(queryFile);
        var typos = new HashSet<string>(StringComparer.Ordinal);
        Report(output, label, modelFile == null ? "product" : "product+model", queries, judgments, q =>
        {
            var page = index.Search(new SearchRequest { Query = q, Size = SearchRequest.MaxSize, FacetLimit = 0 });
            if (page.TypoTolerant)
            {
                typos.Add(q);
            }

            return page.Hits.Select(h => h.Id).ToList();
        }, run, typos);
        if (bare != null)
        {
            Report(output, label, "baseline", queries, judgments, q => bare.Rank(q, 100), null);
        }

        return 0;
    }

    /// <summary>Learns a ranking model from a collection's judgments of one split (dev by default: never test).</summary>
    public static async Task<int> LearnAsync(string dataset, string split, bool withPriors, string? synonymsFile, string outFile, RankingTraining training, TextWriter output, CancellationToken cancellationToken)
    {
        if (split == "test")
        {
            throw new ArgumentException("learn-ranking learns from the dev split only: the test split is for reporting");
        }

        var (qrelsPath, queryFile) = Collection(dataset, null, split);
        var judged = RelevanceJudgments.LoadQrels(qrelsPath);
        var judgments = ReadQueries(queryFile)
            .Where(q => judged.ByQuery.ContainsKey(q.Id))
            .SelectMany(q => judged.ByQuery[q.Id].Select(d => new RankingJudgment(q.Text, d.Key, d.Value)))
            .ToList();
        using var collection = await IndexedCollection.OpenAsync(dataset, synonymsFile, null, output, cancellationToken);
        var clock = Stopwatch.StartNew();
        var model = RankingLearner.Learn(collection.Index, judgments, withPriors, training, output);
        model.Save(outFile);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learnt from {Path.GetFileName(queryFile)} in {clock.Elapsed.TotalSeconds:F1} s{(withPriors ? $", priors for {model.PriorArticles} articles" : ", no priors")}: {outFile}"));
        return 0;
    }

    /// <summary>A collection's judgments and the query file of a split (or the one given).</summary>
    private static (string Qrels, string Queries) Collection(string dataset, string? queriesFile, string split)
    {
        if (split is not ("dev" or "test"))
        {
            throw new ArgumentException($"--split is dev or test, not '{split}'");
        }

        var docsPath = Path.Combine(dataset, "docs.jsonl");
        var qrelsPath = Path.Combine(dataset, "qrels.tsv");
        var queries = queriesFile ?? Path.Combine(dataset, $"queries.{split}.jsonl");
        foreach (var path in new[] { docsPath, qrelsPath, queries })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"not a test collection: {path} is missing");
            }
        }

        return (qrelsPath, queries);
    }

    /// <summary>A collection's documents indexed with the product's analysis in a temporary folder, removed when disposed.</summary>
    private sealed class IndexedCollection : IDisposable
    {
        private readonly string _work;

        private IndexedCollection(string work, SearchIndex index, List<(string Id, string Title, string Body)> documents)
        {
            _work = work;
            Index = index;
            Documents = documents;
        }

        public SearchIndex Index { get; }

        public List<(string Id, string Title, string Body)> Documents { get; }

        public static async Task<IndexedCollection> OpenAsync(string dataset, string? synonymsFile, string? modelFile, TextWriter output, CancellationToken cancellationToken)
        {
            var work = Path.Combine(Path.GetTempPath(), "innovationsfr-eval-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(work);
            try
            {
                var corpus = Path.Combine(work, "corpus.jsonl");
                var documents = WriteCorpus(Path.Combine(dataset, "docs.jsonl"), corpus);
                var clock = Stopwatch.StartNew();
                var report = await IndexBuilder.BuildAsync(new IndexFolder(Path.Combine(work, "index")), [corpus], new BuildOptions(), null, cancellationToken);
                if (report.Outcome != BuildOutcome.Published)
                {
                    throw new IOException($"the collection could not be indexed: {report.Outcome}");
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(Path.GetFullPath(dataset).TrimEnd('/'))}: {report.Articles} documents indexed in {clock.Elapsed.TotalSeconds:F1} s"));
                var index = new SearchIndex(new IndexFolder(Path.Combine(work, "index")), new SynonymFile(synonymsFile))
                {
                    Ranking = modelFile == null ? RankingModelFile.None : new RankingModelFile(modelFile),
                };
                index.Open();
                return new IndexedCollection(work, index, documents);
            }
            catch
            {
                Delete(work);
                throw;
            }
        }

        public void Dispose()
        {
            Index.Dispose();
            Delete(_work);
        }

        private static void Delete(string work)
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // a temporary folder left behind is not worth failing the evaluation
            }
        }
    }

    private static void Report(TextWriter output, string file, string system, List<(string Id, string Text)> queries, RelevanceJudgments judgments, Func<string, IReadOnlyList<string>> rank, StreamWriter? run, IReadOnlySet<string>? typos = null)
    {
        double mrr = 0, ndcg = 0, recall = 0;
        var empty = 0;
        var latencies = new List<double>(queries.Count);
        // Queries typed with a typo (the search went typo-tolerant) or without a single accent: what a
        // model never saw in that form must not do worse.
        var subsets = new Dictionary<string, (int Count, double Mrr, double Ndcg)>(StringComparer.Ordinal) { ["typo"] = default, ["unaccented"] = default };
        foreach (var (id, text) in queries)
        {
            var clock = Stopwatch.StartNew();
            var ranked = rank(text);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var judged = judgments.ByQuery[id];
            var queryMrr = RelevanceJudgments.ReciprocalRankAt(10, ranked, judged);
            var queryNdcg = RelevanceJudgments.NdcgAt(10, ranked, judged);
            mrr += queryMrr;
            ndcg += queryNdcg;
            foreach (var (subset, member) in new[] { ("typo", typos?.Contains(text) == true), ("unaccented", !text.Any(c => c > 127 && char.IsLetter(c))) })
            {
                if (member)
                {
                    var sums = subsets[subset];
                    subsets[subset] = (sums.Count + 1, sums.Mrr + queryMrr, sums.Ndcg + queryNdcg);
                }
            }

            recall += RelevanceJudgments.RecallAt(100, ranked, judged);
            empty += ranked.Count == 0 ? 1 : 0;
            for (var i = 0; run != null && i < ranked.Count; i++)
            {
                run.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id}\t{ranked[i]}\t{i + 1}\t{ranked.Count - i}"));
            }
        }

        var n = Math.Max(1, queries.Count);
        latencies.Sort();
        void Line(string metric, double value) =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file} {system} {metric} {value:F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file} {system} queries {queries.Count}"));
        Line("MRR@10", mrr / n);
        Line("nDCG@10", ndcg / n);
        Line("Recall@100", recall / n);
        Line("zero-results", (double)empty / n);
        Line("p50-ms", latencies.Count == 0 ? 0 : latencies[latencies.Count / 2]);
        Line("p99-ms", latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]);
        foreach (var (subset, (count, subsetMrr, subsetNdcg)) in subsets)
        {
            if (count > 0 && (subset != "typo" || typos != null))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file} {system} {subset}-queries {count}"));
                Line(subset + "-MRR@10", subsetMrr / count);
                Line(subset + "-nDCG@10", subsetNdcg / count);
            }
        }
    }

    /// <summary>Writes the collection's documents in the corpus format; returns them for the baseline.</summary>
    internal static List<(string Id, string Title, string Body)> WriteCorpus(string docsPath, string corpus)
    {
        var documents = new List<(string, string, string)>();
        using var writer = new StreamWriter(corpus);
        var line = 0;
        foreach (var json in File.ReadLines(docsPath))
        {
            line++;
            if (string.IsNullOrWhiteSpace(json))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var id = root.TryGetProperty("id", out var idValue) ? idValue.GetString() : null;
            if (string.IsNullOrEmpty(id))
            {
                throw new FormatException($"{docsPath}:{line}: a document needs an id");
            }

            var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Trim().Length > 0 ? t.GetString()!.Trim() : id;
            var body = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
            var tags = root.TryGetProperty("tags", out var g) && g.ValueKind == JsonValueKind.Array
                ? g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            var date = root.TryGetProperty("date", out var d) && d.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(d.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : Undated;
            // A collection's tags are its categories (a breadcrumb: source type, theme, sub-theme),
            // which is what a rubric path is here, not the free keywords our tags are.
            var rubric = tags.Count > 0 ? string.Join(" > ", tags.Select(t => t.Replace(">", " ", StringComparison.Ordinal))) : null;
            writer.WriteLine(JsonSerializer.Serialize(new { id, title, body, rubric, publishedAt = date.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture) }));
            documents.Add((id, title, body));
        }

        return documents;
    }

    internal static IEnumerable<(string Id, string Text)> ReadQueries(string path)
    {
        foreach (var json in File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            using var doc = JsonDocument.Parse(json);
            yield return (doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("text").GetString()!);
        }
    }
}
