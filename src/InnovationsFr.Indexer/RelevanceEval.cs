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

    public static async Task<int> RunAsync(string dataset, string? queriesFile, string? runFile, bool baseline, string? synonymsFile, TextWriter output, CancellationToken cancellationToken)
    {
        var docsPath = Path.Combine(dataset, "docs.jsonl");
        var qrelsPath = Path.Combine(dataset, "qrels.tsv");
        foreach (var path in new[] { docsPath, qrelsPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"not a test collection: {path} is missing");
            }
        }

        var queryFiles = queriesFile != null
            ? [queriesFile]
            : Directory.GetFiles(dataset, "queries.*.jsonl").Order(StringComparer.Ordinal).DefaultIfEmpty(Path.Combine(dataset, "queries.jsonl")).ToArray();
        var judgments = RelevanceJudgments.LoadQrels(qrelsPath);

        var work = Path.Combine(Path.GetTempPath(), "innovationsfr-eval-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var corpus = Path.Combine(work, "corpus.jsonl");
            var documents = WriteCorpus(docsPath, corpus);
            var clock = Stopwatch.StartNew();
            var report = await IndexBuilder.BuildAsync(new IndexFolder(Path.Combine(work, "index")), [corpus], new BuildOptions(), null, cancellationToken);
            if (report.Outcome != BuildOutcome.Published)
            {
                throw new IOException($"the collection could not be indexed: {report.Outcome}");
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(Path.GetFullPath(dataset).TrimEnd('/'))}: {report.Articles} documents indexed in {clock.Elapsed.TotalSeconds:F1} s"));
            using var index = new SearchIndex(new IndexFolder(Path.Combine(work, "index")), new SynonymFile(synonymsFile));
            index.Open();
            using var bare = baseline ? new BaselineRanker(documents) : null;
            using var run = runFile != null ? new StreamWriter(runFile) : null;
            foreach (var file in queryFiles)
            {
                var queries = ReadQueries(file).Where(q => judgments.ByQuery.ContainsKey(q.Id)).ToList();
                var label = Path.GetFileName(file);
                Report(output, label, "product", queries, judgments, q =>
                {
                    var ids = index.Search(new SearchRequest { Query = q, Size = SearchRequest.MaxSize, FacetLimit = 0 }).Hits.Select(h => h.Id).ToList();
                    return ids;
                }, run);
                if (bare != null)
                {
                    Report(output, label, "baseline", queries, judgments, q => bare.Rank(q, 100), null);
                }
            }

            return 0;
        }
        finally
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

    private static void Report(TextWriter output, string file, string system, List<(string Id, string Text)> queries, RelevanceJudgments judgments, Func<string, IReadOnlyList<string>> rank, StreamWriter? run)
    {
        double mrr = 0, ndcg = 0, recall = 0;
        var empty = 0;
        var latencies = new List<double>(queries.Count);
        foreach (var (id, text) in queries)
        {
            var clock = Stopwatch.StartNew();
            var ranked = rank(text);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var judged = judgments.ByQuery[id];
            mrr += RelevanceJudgments.ReciprocalRankAt(10, ranked, judged);
            ndcg += RelevanceJudgments.NdcgAt(10, ranked, judged);
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
