using System.Diagnostics;
using System.Globalization;
using InnovationsFr.Bench;

// One command: generate N articles, build the index, measure build throughput, index size and
// search latency (in-process, HTTP at concurrency 1 and 8), beside a bare Lucene.Net loop.
// bench/search-cost.sh: an uncached reader's search on real text against a raw Lucene.Net loop.
if (args.Length > 0 && args[0] == "search-cost")
{
    if (args.Length < 3)
    {
        Console.Error.WriteLine("usage: search-cost DOCS.jsonl QUERIES.jsonl [OUT] [--reuse] [--model FILE]");
        return 2;
    }

    var modelAt = Array.IndexOf(args, "--model");
    return await SearchCost.RunAsync(
        args[1], args[2], args.Length > 3 && !args[3].StartsWith("--", StringComparison.Ordinal) ? args[3] : Path.Combine(Path.GetTempPath(), "ifr-search-cost"),
        BenchOptions.Parse([]).RepoRoot, args.Contains("--reuse"), modelAt > 0 && modelAt + 1 < args.Length ? Path.GetFullPath(args[modelAt + 1]) : null);
}

var options = BenchOptions.Parse(args);
Directory.CreateDirectory(options.OutDir);
var table = new ResultTable(options);

var corpus = Path.Combine(options.OutDir, $"corpus-{options.Count}-seed{options.Seed}.jsonl");
if (!File.Exists(corpus))
{
    Console.WriteLine($"generating {options.Count} articles into {corpus}");
    var clock = Stopwatch.StartNew();
    using (var stream = File.Create(corpus + ".partial"))
    {
        new InnovationsFr.Indexer.CorpusGenerator(options.Seed).Write(stream, options.Count);
    }

    File.Move(corpus + ".partial", corpus, overwrite: true);
    Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:F1} s");
}

var queries = BenchQuery.Load(options.QueriesPath);
var bytes = new FileInfo(corpus).Length;
table.Corpus(options.Count, bytes);

var product = await ProductRun.BuildAsync(corpus, Path.Combine(options.OutDir, "index-" + options.Count), options.Threads, options.ReuseIndex);
if (!double.IsNaN(product.Seconds))
{
    table.Build("product (IndexBuilder)", product.Seconds, options.Count, bytes, product.IndexBytes);
}
var bare = options.SkipBare ? null : BareLucene.Build(corpus, Path.Combine(options.OutDir, "bare-" + options.Count), options.Threads);
if (bare != null)
{
    table.Build("bare Lucene.Net loop", bare.Seconds, options.Count, bytes, bare.IndexBytes);
}

if (options.Runs("search"))
{
    table.Latency("product in-process, c=1", product.SearchLatencies(queries, options.Passes), 0);
    table.Latency("product in-process, facets off (facetLimit=0)", product.SearchWithoutFacets(queries, options.Passes), 0);
    if (bare != null)
    {
        table.Latency("bare Lucene.Net, c=1", bare.SearchLatencies(queries, options.Passes), 0);
    }
}

if (options.Runs("tags"))
{
    var (wholeCloud, scopedCloud) = product.CloudLatencies(queries, options.Passes);
    table.Latency("tag cloud, whole index (wp defaults)", wholeCloud, 0);
    table.Latency("tag cloud, widget: rubric + days=365 (counted live)", product.WidgetCloudLatencies(queries, options.Passes), 0);
    table.Latency("tag cloud scoped by q (counted live)", scopedCloud, 0);
    table.Latency("facet-value search /api/tags?prefix=", product.PrefixLatencies(queries, options.Passes), 0);
}

if (options.Runs("assist"))
{
    table.Latency("autocomplete /api/suggest (2–6 letters typed)", product.CompletionLatencies(queries, options.Passes), 0);
    var (typoLatencies, typoQueries) = product.TypoLatencies(queries, options.Passes);
    table.Latency($"search taking the typo fallback ({typoQueries} misspelt queries)", typoLatencies, 0);
}

if (options.Runs("related"))
{
    table.Latency("related articles (limit 5, with why)", product.RelatedLatencies(options.Count, options.Seed, options.Passes), 0);
    if (options.RelatedCorpus != null && options.RelatedIndex != null)
    {
        // The generated vocabulary is small (every word is in over 1% of 100k articles), so the text
        // query of a related list is nearly empty there; a real corpus measures it.
        var (label, latencies) = ProductRun.RealRelatedLatencies(options.RelatedCorpus, options.RelatedIndex, options.Passes);
        table.Latency(label, latencies, 0);
    }
}

table.Memory();
product.Dispose();
bare?.Dispose();

if (!options.SkipHttp && options.Runs("http"))
{
    await using var server = await ApiServer.StartAsync(options.RepoRoot, product.IndexRoot);
    foreach (var concurrency in new[] { 1, 8 })
    {
        var (latencies, errors) = await server.LoadAsync(queries, concurrency, options.HttpRequests);
        table.Latency($"HTTP /api/search, c={concurrency}", latencies, errors);
    }
}

var report = table.Render();
Console.WriteLine(report);
var file = Path.Combine(options.OutDir, $"results-{options.Count}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.md");
File.WriteAllText(file, report);
Console.WriteLine($"written to {file}");
return 0;
