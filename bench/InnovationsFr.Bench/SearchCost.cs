using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using InnovationsFr.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace InnovationsFr.Bench;

/// <summary>
/// What an uncached reader's search costs on real text, against a raw Lucene.Net loop in the same run:
///   bash bench/search-cost.sh DOCS.jsonl QUERIES.jsonl [OUT]
/// DOCS in the eval collections' format (id, title, body; e.g. the cdtn pages resampled to 100k by
/// ../shared/eval/resample.py), QUERIES their queries (id, text). The distinct query texts are
/// shuffled (seed 42) and split into disjoint sets: a warm-up, the measured ones (each sent once, so
/// the answer cache cannot help), and the ones the 8 concurrent clients send (never seen before).
/// </summary>
internal static class SearchCost
{
    private const int Warmup = 1000;
    private const int Measured = 1000;

    public static async Task<int> RunAsync(string docs, string queriesPath, string outDir, string repoRoot, bool reuse, string? model = null)
    {
        System.IO.Directory.CreateDirectory(outDir);
        var corpus = Path.Combine(outDir, "corpus.jsonl");
        if (!reuse || !File.Exists(corpus))
        {
            Console.WriteLine($"converting {docs} to the corpus format");
            InnovationsFr.Indexer.RelevanceEval.WriteCorpus(docs, corpus);
        }

        var texts = InnovationsFr.Indexer.RelevanceEval.ReadQueries(queriesPath).Select(q => q.Text.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        new Random(42).Shuffle(CollectionsMarshal(texts));
        if (texts.Count < Warmup + Measured + 100)
        {
            Console.Error.WriteLine($"{queriesPath}: {texts.Count} distinct queries, at least {Warmup + Measured + 100} needed");
            return 2;
        }

        var warmup = texts.Take(Warmup).ToList();
        var measured = texts.Skip(Warmup).Take(Measured).ToList();
        var concurrent = texts.Skip(Warmup + Measured).ToList();
        var report = new StringBuilder();
        var articles = File.ReadLines(corpus).Count(l => l.Length > 0);
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"## Search cost — {articles:N0} documents of {Path.GetFileName(docs)}, {texts.Count:N0} distinct queries of {Path.GetFileName(queriesPath)}"));
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824d:F0} GiB; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Warm-up {Warmup} queries, {Measured} measured (each once), {concurrent.Count} for the 8 clients."));
        report.AppendLine();

        var productRoot = Path.Combine(outDir, "product-index");
        var rawRoot = Path.Combine(outDir, "raw-index");
        var product = await ProductRun.BuildAsync(corpus, productRoot, Environment.ProcessorCount, reuse);
        var raw = RawLucene.Build(corpus, rawRoot, reuse);

        report.AppendLine("| in-process, each query once | p50 ms | p99 ms | CPU ms a query |");
        report.AppendLine("|---|---|---|---|");
        Row(report, "raw Lucene.Net: title+body OR, top 100, ids from stored fields", Time(warmup, measured, raw.Search));
        var engine = product.Index;
        Row(report, "product: reader's search (size 10, facets, snippets)", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q })));
        Row(report, "product: size=100, facetLimit=0", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q, Size = 100, FacetLimit = 0 })));
        // Where the reader's search spends it: the same search with one step turned off at a time, cumulatively.
        Row(report, "… reader's search without facets", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q, FacetLimit = 0 })));
        Row(report, "… and without \"did you mean\"", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q, FacetLimit = 0, Suggest = false })));
        Row(report, "… and without typo tolerance", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q, FacetLimit = 0, Suggest = false, TypoTolerance = false })));
        Row(report, "… and 1 hit shown instead of 10", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q, FacetLimit = 0, Suggest = false, TypoTolerance = false, Size = 1 })));
        // The same engine scoring every match (no pruning): what QueryClauses saves, in the same run.
        engine.Segments = new SegmentSearch { MinKeptSegmentDocs = int.MaxValue, Pruning = false };
        Row(report, "every match scored (pruning off): reader's search", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q })));
        Row(report, "every match scored (pruning off): size=100, facetLimit=0", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q, Size = 100, FacetLimit = 0 })));
        engine.Segments = new SegmentSearch { MinKeptSegmentDocs = int.MaxValue };
        if (model != null)
        {
            // A learned ranking re-ordering the top 100 (plus what its judgments suggest), beside the same engine without it.
            using var ranked = new SearchIndex(new IndexFolder(productRoot)) { CacheAnswers = false, Segments = new SegmentSearch { MinKeptSegmentDocs = int.MaxValue }, Ranking = new RankingModelFile(model) };
            ranked.Open();
            Row(report, "product, no ranking model (again, for the rows below): reader's search", Time(warmup, measured, q => engine.Search(new SearchRequest { Query = q })));
            Row(report, "product + ranking model: reader's search", Time(warmup, measured, q => ranked.Search(new SearchRequest { Query = q })));
            Row(report, "product + ranking model: size=100, facetLimit=0", Time(warmup, measured, q => ranked.Search(new SearchRequest { Query = q, Size = 100, FacetLimit = 0 })));
        }

        product.Dispose();
        // As the service runs it: answer and hit caches on, tallies of large segments kept for later refreshes.
        using (var served = new SearchIndex(new IndexFolder(productRoot)))
        {
            served.Open();
            Row(report, "product as served (caches, kept tallies): reader's search", Time(warmup, measured.Select(q => q + " ").ToList(), q => served.Search(new SearchRequest { Query = q })));
        }

        report.AppendLine();
        await using (var server = await ApiServer.StartAsync(repoRoot, productRoot))
        {
            report.AppendLine("| over HTTP, each query once | requests | p50 ms | p99 ms | req/s | errors |");
            report.AppendLine("|---|---|---|---|---|---|");
            await server.SendOnceAsync(warmup.Select(q => Url(q, "")), 1);
            HttpRow(report, "/api/search?q=… (c=1)", await server.SendOnceAsync(measured.Select(q => Url(q, "")), 1));
            HttpRow(report, "/api/search?q=…&size=100&facetLimit=0 (c=1)", await server.SendOnceAsync(measured.Select(q => Url(q, "&size=100&facetLimit=0")), 1));
            HttpRow(report, "/api/search?q=… (c=8, queries never seen before)", await server.SendOnceAsync(concurrent.Select(q => Url(q, "")), 8));
        }

        if (model != null)
        {
            await using var server = await ApiServer.StartAsync(repoRoot, productRoot, model);
            await server.SendOnceAsync(warmup.Select(q => Url(q, "")), 1);
            HttpRow(report, "/api/search?q=… (c=1) + ranking model", await server.SendOnceAsync(measured.Select(q => Url(q, "")), 1));
        }

        report.AppendLine();
        report.AppendLine(IndexSizes.Report(product.IndexRoot, rawRoot));
        var text = report.ToString();
        Console.WriteLine(text);
        var file = Path.Combine(outDir, $"search-cost-{DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.md");
        File.WriteAllText(file, text);
        Console.WriteLine($"written to {file}");
        return 0;
    }

    private static Span<string> CollectionsMarshal(List<string> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

    private static string Url(string query, string extra) => "/api/search?q=" + Uri.EscapeDataString(query) + extra;

    private static (List<double> Latencies, double CpuMs) Time(List<string> warmup, List<string> measured, Action<string> run)
    {
        foreach (var q in warmup)
        {
            run(q);
        }

        var latencies = new List<double>(measured.Count);
        var cpu = Environment.CpuUsage.TotalTime;
        foreach (var q in measured)
        {
            var clock = Stopwatch.StartNew();
            run(q);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        return (latencies, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / Math.Max(1, measured.Count));
    }

    private static void Row(StringBuilder report, string name, (List<double> Latencies, double CpuMs) result)
    {
        result.Latencies.Sort();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Stats.Percentile(result.Latencies, 50):F2} | {Stats.Percentile(result.Latencies, 99):F2} | {result.CpuMs:F2} |"));
    }

    private static void HttpRow(StringBuilder report, string name, (List<double> Latencies, int Errors, double Seconds) result)
    {
        result.Latencies.Sort();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {result.Latencies.Count} | {Stats.Percentile(result.Latencies, 50):F2} | {Stats.Percentile(result.Latencies, 99):F2} | {result.Latencies.Count / result.Seconds:F0} | {result.Errors} |"));
    }
}

/// <summary>
/// The raw engine the product is compared with: the same corpus and French analysis, title and body
/// indexed (not stored), the id stored; a query's stems OR-ed over title (×2) and body, top 100, ids read.
/// </summary>
internal sealed class RawLucene
{
    private readonly IndexSearcher _searcher;

    private RawLucene(IndexSearcher searcher) => _searcher = searcher;

    public static RawLucene Build(string corpus, string path, bool reuse)
    {
        if (!reuse || !System.IO.Directory.Exists(path))
        {
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }

            Console.WriteLine("building the raw Lucene.Net index…");
            using var directory = FSDirectory.Open(path);
            using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, FrenchAnalysis.Stemmed)
            {
                OpenMode = OpenMode.CREATE,
                Similarity = new BM25Similarity(),
                RAMBufferSizeMB = 256,
            });
            using var reader = new CorpusReader(corpus);
            foreach (var entry in reader.ReadAll())
            {
                if (entry.Article is { } article)
                {
                    writer.AddDocument(new Document
                    {
                        new StringField("id", article.Id, Field.Store.YES),
                        new TextField("title", article.Title, Field.Store.NO),
                        new TextField("body", article.Body, Field.Store.NO),
                    });
                }
            }

            writer.ForceMerge(1);
            writer.Commit();
        }

        var searcher = new IndexSearcher(DirectoryReader.Open(MMapDirectory.Open(path))) { Similarity = new BM25Similarity() };
        return new RawLucene(searcher);
    }

    public void Search(string text)
    {
        var query = new BooleanQuery();
        foreach (var token in FrenchAnalysis.Tokens(text).Distinct(StringComparer.Ordinal).Take(500))
        {
            query.Add(new TermQuery(new Term("title", token)) { Boost = 2 }, Occur.SHOULD);
            query.Add(new TermQuery(new Term("body", token)), Occur.SHOULD);
        }

        if (query.Clauses.Count == 0)
        {
            return;
        }

        var fields = new HashSet<string> { "id" };
        foreach (var hit in _searcher.Search(query, 100).ScoreDocs)
        {
            _ = _searcher.Doc(hit.Doc, fields).Get("id");
        }
    }
}

/// <summary>What each field of an index costs: terms, postings and positions by field, stored bytes by field, files by kind.</summary>
internal static class IndexSizes
{
    public static string Report(string productRoot, string rawRoot)
    {
        var product = new IndexFolder(productRoot).CurrentGeneration!;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Index size: product {Stats.DirectorySize(product) / 1048576d:F1} MB, raw {Stats.DirectorySize(rawRoot) / 1048576d:F1} MB ({(double)Stats.DirectorySize(product) / Stats.DirectorySize(rawRoot):F2}×)."));
        sb.AppendLine();
        sb.AppendLine("| product files by kind | MB |");
        sb.AppendLine("|---|---|");
        foreach (var kind in Files(product).GroupBy(f => Kind(Path.GetExtension(f.Name))).OrderByDescending(g => g.Sum(f => f.Length)))
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {kind.Key} | {kind.Sum(f => f.Length) / 1048576d:F1} |"));
        }

        sb.AppendLine();
        sb.AppendLine("| product field | terms | postings (sum of doc freqs) | positions (sum of term freqs) | stored MB (uncompressed, from 1,000 documents) |");
        sb.AppendLine("|---|---|---|---|---|");
        using var directory = FSDirectory.Open(product);
        using var reader = DirectoryReader.Open(directory);
        var stored = StoredBytes(reader);
        var fields = MultiFields.GetFields(reader);
        var names = fields.Concat(stored.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var terms = fields.GetTerms(name);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {(terms == null ? "" : Count(terms).ToString("N0", CultureInfo.InvariantCulture))} | {(terms == null ? "" : terms.SumDocFreq.ToString("N0", CultureInfo.InvariantCulture))} | {(terms == null || terms.SumTotalTermFreq < 0 ? "" : terms.SumTotalTermFreq.ToString("N0", CultureInfo.InvariantCulture))} | {(stored.TryGetValue(name, out var bytes) ? (bytes / 1048576d).ToString("F1", CultureInfo.InvariantCulture) : "")} |"));
        }

        return sb.ToString();
    }

    /// <summary>The index's files, those packed in compound files (.cfs) counted one by one.</summary>
    private static List<(string Name, long Length)> Files(string path)
    {
        var files = new List<(string, long)>();
        using var directory = FSDirectory.Open(path);
        foreach (var name in directory.ListAll())
        {
            if (name.EndsWith(".cfs", StringComparison.Ordinal))
            {
                using var compound = new CompoundFileDirectory(directory, name, IOContext.READ, openForWrite: false);
                files.AddRange(compound.ListAll().Select(inner => (inner, compound.FileLength(inner))));
            }
            else if (!name.EndsWith(".cfe", StringComparison.Ordinal))
            {
                files.Add((name, directory.FileLength(name)));
            }
        }

        return files;
    }

    private static long Count(Terms terms)
    {
        var count = terms.Count;
        if (count >= 0)
        {
            return count;
        }

        count = 0;
        var e = terms.GetEnumerator();
        while (e.MoveNext())
        {
            count++;
        }

        return count;
    }

    /// <summary>Stored bytes by field over 1,000 evenly spread documents, scaled to the index.</summary>
    private static Dictionary<string, double> StoredBytes(IndexReader reader)
    {
        var bytes = new Dictionary<string, double>(StringComparer.Ordinal);
        var step = Math.Max(1, reader.MaxDoc / 1000);
        var sampled = 0;
        for (var doc = 0; doc < reader.MaxDoc; doc += step, sampled++)
        {
            foreach (var field in reader.Document(doc).Fields)
            {
                var length = field.GetStringValue() is { } s ? Encoding.UTF8.GetByteCount(s) : field.GetBinaryValue()?.Length ?? 8;
                bytes[field.Name] = bytes.GetValueOrDefault(field.Name) + length;
            }
        }

        var scale = (double)reader.NumDocs / Math.Max(1, sampled);
        return bytes.ToDictionary(kv => kv.Key, kv => kv.Value * scale, StringComparer.Ordinal);
    }

    private static string Kind(string extension) => extension switch
    {
        ".tim" or ".tip" => "terms dictionary (.tim, .tip)",
        ".doc" => "postings (.doc)",
        ".pos" => "positions (.pos)",
        ".pay" => "payloads and offsets (.pay)",
        ".fdt" or ".fdx" => "stored fields (.fdt, .fdx)",
        ".dvd" or ".dvm" => "doc values (.dvd, .dvm)",
        ".nvd" or ".nvm" => "norms (.nvd, .nvm)",
        _ => "other",
    };
}
