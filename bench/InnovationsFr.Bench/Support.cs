using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using InnovationsFr.Search;

namespace InnovationsFr.Bench;

internal sealed record BenchOptions(long Count, int Seed, string OutDir, string QueriesPath, string RepoRoot, int Passes, int HttpRequests, int Threads, bool SkipHttp)
{
    public bool SkipBare { get; init; }

    public bool ReuseIndex { get; init; }

    /// <summary>Sections to measure (--only search,tags,related,suggest); empty = all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    /// <summary>A real corpus and its index (--related-corpus FILE --related-index DIR) to time related lists on real text.</summary>
    public string? RelatedCorpus { get; init; }

    public string? RelatedIndex { get; init; }

    public bool Runs(string section) => Only.Count == 0 || Only.Contains(section);

    public static BenchOptions Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        var root = FindRoot();
        return new BenchOptions(
            long.Parse(Get("count") ?? "100000", CultureInfo.InvariantCulture),
            int.Parse(Get("seed") ?? "42", CultureInfo.InvariantCulture),
            Path.GetFullPath(Get("out") ?? Path.Combine(root, "bench", "out")),
            Get("queries") ?? Path.Combine(root, "bench", "queries.tsv"),
            root,
            int.Parse(Get("passes") ?? "3", CultureInfo.InvariantCulture),
            int.Parse(Get("http-requests") ?? "3000", CultureInfo.InvariantCulture),
            int.Parse(Get("threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            args.Contains("--no-http")) { SkipBare = args.Contains("--no-bare"), ReuseIndex = args.Contains("--reuse-index"),
            RelatedCorpus = Get("related-corpus"),
            RelatedIndex = Get("related-index"),
            Only = (Get("only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the benchmark from inside the repository");
    }
}

/// <summary>A benchmark query: words, optionally with a tag filter.</summary>
internal sealed record BenchQuery(string Text, string? Tag)
{
    public static IReadOnlyList<BenchQuery> Load(string path) => File.ReadLines(path)
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('\t'))
        .Select(p => new BenchQuery(p[0], p.Length > 1 && p[1].Length > 0 ? p[1] : null))
        .ToList();
}

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>One warm-up pass over the queries, then <paramref name="passes"/> timed passes (milliseconds a query).</summary>
    public static List<double> Latencies(IReadOnlyList<BenchQuery> queries, int passes, Action<BenchQuery> run)
    {
        foreach (var q in queries)
        {
            run(q);
        }

        var latencies = new List<double>(queries.Count * passes);
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = GC.CollectionCount(0);
        var cpu = Environment.CpuUsage.TotalTime;
        for (var p = 0; p < passes; p++)
        {
            foreach (var q in queries)
            {
                var clock = Stopwatch.StartNew();
                run(q);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var calls = Math.Max(1, latencies.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {calls} calls: {(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / calls:F0} KB allocated a call, {GC.CollectionCount(0) - collections} collections, {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / calls:F2} ms of CPU a call, {latencies.Sum() / calls:F2} ms wall"));
        return latencies;
    }

    public static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}

/// <summary>The product's own path: IndexBuilder, then SearchIndex.Search.</summary>
internal sealed class ProductRun : IDisposable
{
    private readonly SearchIndex _index;

    private ProductRun(string root, double seconds, SearchIndex index)
    {
        IndexRoot = root;
        Seconds = seconds;
        _index = index;
        IndexBytes = Stats.DirectorySize(index.Folder.CurrentGeneration!);
    }

    public string IndexRoot { get; }

    /// <summary>The open engine (no answer cache, no kept tallies).</summary>
    public SearchIndex Index => _index;

    public double Seconds { get; }

    public long IndexBytes { get; }

    /// <summary>The engine as measured: no answer cache and no kept segment tallies, so every search is scored.</summary>
    public static SearchIndex Engine(IndexFolder folder) =>
        new(folder) { CacheAnswers = false, Segments = new SegmentSearch { MinKeptSegmentDocs = int.MaxValue } };

    public static async Task<ProductRun> BuildAsync(string corpus, string root, int threads, bool reuse = false)
    {
        if (reuse && new IndexFolder(root).HasIndex)
        {
            Console.WriteLine("reusing the index built before");
            var existing = Engine(new IndexFolder(root));
            existing.Open();
            return new ProductRun(root, double.NaN, existing);
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Console.WriteLine("building with the product's IndexBuilder…");
        var folder = new IndexFolder(root);
        var report = await IndexBuilder.BuildAsync(folder, [corpus], new BuildOptions { IndexingThreads = threads });
        Console.WriteLine($"  {report.Outcome}: {report.Articles} articles in {report.Elapsed.TotalSeconds:F1} s");
        var index = Engine(folder);
        index.Open();
        return new ProductRun(root, report.Elapsed.TotalSeconds, index);
    }

    public List<double> SearchLatencies(IReadOnlyList<BenchQuery> queries, int passes) => Stats.Latencies(queries, passes, Run);

    private void Run(BenchQuery q) => Run(q, 20);

    private void Run(BenchQuery q, int facetLimit) =>
        _index.Search(new SearchRequest { Query = q.Text, Tags = q.Tag == null ? [] : [q.Tag], Size = 10, FacetLimit = facetLimit });

    public List<double> SearchWithoutFacets(IReadOnlyList<BenchQuery> queries, int passes) => Stats.Latencies(queries, passes, q => Run(q, 0));

    /// <summary>Whole-index cloud (from the per-reader tag statistics), and clouds scoped by each query's words (counted live).</summary>
    public (List<double> Whole, List<double> Scoped) CloudLatencies(IReadOnlyList<BenchQuery> queries, int passes) =>
        (Stats.Latencies(queries.Take(50).ToList(), passes, _ => _index.TagCloud(new TagCloudRequest())),
         Stats.Latencies(queries, passes, q => _index.TagCloud(new TagCloudRequest { Scope = new TagScope { Query = q.Text } })));

    /// <summary>Related articles of 200 articles spread over the corpus (ids of the generator: gen-SEED-NNNNNNN).</summary>
    public List<double> RelatedLatencies(long count, int seed, int passes)
    {
        var ids = Enumerable.Range(0, 200).Select(i => $"gen-{seed}-{(long)i * (count / 200) + 17:D7}").Select(id => new BenchQuery(id, null)).ToList();
        return Stats.Latencies(ids, passes, q => _index.Related(q.Text, new RelatedRequest { Limit = 5 }));
    }

    /// <summary>Autocomplete on the first 2 to 6 letters of each query's last word (what a reader has typed so far).</summary>
    public List<double> CompletionLatencies(IReadOnlyList<BenchQuery> queries, int passes)
    {
        var typed = queries
            .SelectMany(q => Enumerable.Range(2, 5).Select(n => q.Text.Length > n ? q.Text[..n] : q.Text))
            .Where(t => t.Trim().Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Select(t => new BenchQuery(t, null))
            .ToList();
        return Stats.Latencies(typed, passes, q => _index.Complete(q.Text));
    }

    /// <summary>
    /// Searches that take the typo fallback: each query with two letters of a word of five letters
    /// or more swapped (a word the index does not know), kept when the engine says it was typo-tolerant.
    /// </summary>
    public (List<double> Latencies, int Queries) TypoLatencies(IReadOnlyList<BenchQuery> queries, int passes)
    {
        var typos = new List<BenchQuery>();
        foreach (var q in queries.Where(q => !q.Text.Contains('"') && !q.Text.Contains('-')))
        {
            var words = q.Text.Split(' ');
            var i = Array.FindIndex(words, w => w.Length >= 5 && w.All(char.IsLetter));
            if (i < 0)
            {
                continue;
            }

            var w = words[i].ToCharArray();
            (w[2], w[3]) = (w[3], w[2]);
            words[i] = new string(w);
            var typo = new BenchQuery(string.Join(' ', words), q.Tag);
            if (_index.Search(new SearchRequest { Query = typo.Text }).TypoTolerant)
            {
                typos.Add(typo);
            }
        }

        return (Stats.Latencies(typos, passes, q => _index.Search(new SearchRequest { Query = q.Text, Tags = q.Tag == null ? [] : [q.Tag] })), typos.Count);
    }

    /// <summary>Related lists of 200 articles spread through a real corpus already indexed.</summary>
    public static (string Label, List<double> Latencies) RealRelatedLatencies(string corpus, string indexRoot, int passes)
    {
        using var index = Engine(new IndexFolder(indexRoot));
        index.Open();
        var ids = File.ReadLines(corpus).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        var picked = Enumerable.Range(0, 200).Select(i => new BenchQuery(ids[(int)((long)i * ids.Count / 200)], null)).ToList();
        var latencies = Stats.Latencies(picked, passes, q => index.Related(q.Text, new RelatedRequest { Limit = 5 }));
        return ($"related articles, real text ({Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(corpus)))}: {ids.Count:N0} articles)", latencies);
    }

    /// <summary>Widget clouds: scoped by a rubric and a window of days, as data-rubric and data-days ask.</summary>
    public List<double> WidgetCloudLatencies(IReadOnlyList<BenchQuery> queries, int passes)
    {
        string[] rubrics = ["Espace", "Cybersécurité", "Mobilité", "Technologies et Avenirs", "Fintech et Banque", "Énergie et Climat"];
        var i = 0;
        return Stats.Latencies(queries.Take(120).ToList(), passes, _ =>
            _index.TagCloud(new TagCloudRequest { Scope = new TagScope { Rubric = rubrics[i++ % rubrics.Length] }, Days = 365 }));
    }

    /// <summary>Facet-value search: the tags whose words start like the first letters of each query.</summary>
    public List<double> PrefixLatencies(IReadOnlyList<BenchQuery> queries, int passes) =>
        Stats.Latencies(queries, passes, q => _index.ListTags(new TagListRequest { Prefix = q.Text[..Math.Min(3, q.Text.Length)], Size = 10 }));

    public void Dispose() => _index.Dispose();
}

/// <summary>The API as a real process on loopback, driven by HttpClient.</summary>
internal sealed class ApiServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _client;

    private ApiServer(Process process, HttpClient client)
    {
        _process = process;
        _client = client;
    }

    public static async Task<ApiServer> StartAsync(string repoRoot, string indexRoot, string? rankingModel = null)
    {
        var dll = Path.Combine(repoRoot, "src", "InnovationsFr.Api", "bin", "Release", "net10.0", "InnovationsFr.Api.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the API in Release first (bench/run.sh does)", dll);
        }

        const string url = "http://127.0.0.1:5199";
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Search__IndexPath"] = indexRoot;
        start.Environment["Search__BuildIfMissing"] = "false";
        // A learned ranking only when asked for (nothing left in the repository's config/ counts).
        start.Environment["Search__RankingModelPath"] = rankingModel ?? Path.Combine(indexRoot, "no-ranking-model.zip");
        // One client sends everything: the per-client rate limit would refuse most of it.
        start.Environment["RateLimit__PermitLimit"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url) };
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return new ApiServer(process, client);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("the API did not become ready");
    }

    public async Task<(List<double> Latencies, int Errors)> LoadAsync(IReadOnlyList<BenchQuery> queries, int concurrency, int requests)
    {
        var urls = queries.Select(q => "/api/search?q=" + Uri.EscapeDataString(q.Text) + (q.Tag == null ? "" : "&tag=" + Uri.EscapeDataString(q.Tag))).ToArray();
        foreach (var url in urls)
        {
            await _client.GetAsync(new Uri(url, UriKind.Relative));
        }

        var (latencies, errors, _) = await SendOnceAsync(Enumerable.Range(0, requests).Select(i => urls[i % urls.Length]), concurrency);
        return (latencies, errors);
    }

    /// <summary>Sends each URL once, <paramref name="concurrency"/> at a time: latencies, errors, and the seconds it all took.</summary>
    public async Task<(List<double> Latencies, int Errors, double Seconds)> SendOnceAsync(IEnumerable<string> urls, int concurrency)
    {
        var all = urls.ToArray();
        var latencies = new List<double>(all.Length);
        var errors = 0;
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < all.Length)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    using var response = await _client.GetAsync(new Uri(all[i], UriKind.Relative));
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }

                lock (latencies)
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }));
        return (latencies, errors, total.Elapsed.TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

internal sealed class ResultTable(BenchOptions options)
{
    private readonly StringBuilder _build = new();
    private readonly StringBuilder _search = new();
    private string _corpus = "";
    private double _bareBuild;
    private double _productBuild;
    private double _bareP50;

    public void Corpus(long count, long bytes) =>
        _corpus = string.Create(CultureInfo.InvariantCulture, $"{count:N0} generated articles (seed {options.Seed}), {bytes / 1048576d:F0} MB of JSON lines");

    public void Build(string name, double seconds, long count, long bytes, long indexBytes)
    {
        if (name.StartsWith("bare", StringComparison.Ordinal))
        {
            _bareBuild = count / seconds;
        }
        else
        {
            _productBuild = count / seconds;
        }

        _build.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {seconds:F1} | {count / seconds:N0} | {bytes / 1048576d / seconds:F1} | {indexBytes / 1048576d:F0} |"));
    }

    public void Latency(string name, List<double> latencies, int errors)
    {
        latencies.Sort();
        var p50 = Stats.Percentile(latencies, 50);
        if (name.StartsWith("bare", StringComparison.Ordinal))
        {
            _bareP50 = p50;
        }

        _search.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {latencies.Count} | {p50:F2} | {Stats.Percentile(latencies, 95):F2} | {Stats.Percentile(latencies, 99):F2} | {errors} |"));
    }

    public string Render() => string.Create(CultureInfo.InvariantCulture, $"""
        ## Benchmark — {_corpus}
        Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824d:F0} GiB; {DateTime.UtcNow:yyyy-MM-dd}; {options.Threads} indexing threads.

        | build | seconds | articles/s | MB/s | index MB |
        |---|---|---|---|---|
        {_build}
        {(_bareBuild > 0 ? $"Product / bare build throughput: {_productBuild / _bareBuild:F2}×" : "")}

        | operation (search: top 10, facets, snippets) | calls | p50 ms | p95 ms | p99 ms | errors |
        |---|---|---|---|---|---|
        {_search}
        {(_bareP50 > 0 ? $"Bare loop p50 {_bareP50:F2} ms (ids from stored fields, no snippets, no tag counts)." : "")}

        {_memory}
        """);

    private string _memory = "";

    /// <summary>The benchmark process's memory with the index open and every in-process measure done.</summary>
    public void Memory()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        _memory = string.Create(CultureInfo.InvariantCulture,
            $"Memory with the index open, after the in-process measures: RSS {process.WorkingSet64 / 1048576d:F0} MB (peak {process.PeakWorkingSet64 / 1048576d:F0} MB), managed heap {GC.GetTotalMemory(false) / 1048576d:F0} MB.");
    }
}
