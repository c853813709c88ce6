using System.Globalization;
using InnovationsFr.Search;

namespace InnovationsFr.Indexer;

/// <summary>Exit codes of the indexer, as documented in the README.</summary>
internal static class ExitCode
{
    public const int Ok = 0;
    public const int Refused = 1;
    public const int Usage = 2;
    public const int IoError = 3;
    public const int Busy = 4;
    public const int Interrupted = 130;
}

internal static class Cli
{
    public const string Usage = """
        Usage:
          InnovationsFr.Indexer build --corpus FILE [--corpus FILE ...] --index DIR [--aliases FILE] [--strict] [--threads N]
              Build a new index from JSON-lines corpus files and make it live when complete.
              --aliases: the editors' tag alias file (e.g. config/tag-aliases.txt).
              Bad records are reported by file and line and skipped; with --strict the build stops
              at the first one and the live index is left untouched.
          InnovationsFr.Indexer import-wxr FILE --out FILE
              Turn a WordPress export (WXR, Tools → Export) into a corpus file (JSON lines):
              published posts only (no draft, pending, scheduled, private, trashed or
              password-protected post, no page, attachment or menu item), categories as the rubric,
              tags by name, bodies as text; each line keeps the WordPress id and term slugs.
          InnovationsFr.Indexer import-wp-json PATH --out FILE
              The same from the REST API: PATH is one saved page of /wp/v2/posts?_embed (a JSON
              array) or a folder of them (read in name order).
          InnovationsFr.Indexer generate --count N [--seed S] --out FILE
              Write N synthetic French articles (deterministic for a seed; default seed 42).
          InnovationsFr.Indexer related-eval --index DIR --judgments FILE
              Precision@5 and nDCG@5 of related articles against judgments, for text only,
              tags only and both combined (the ablation).
          InnovationsFr.Indexer eval --dataset DIR [--split dev|test] [--queries FILE] [--model FILE] [--run FILE] [--baseline] [--synonyms FILE]
              Relevance on a test collection (docs.jsonl, queries.SPLIT.jsonl, qrels.tsv): indexes the
              documents in a temporary folder with the product's analysis, runs each query as
              /api/search does and prints "FILE SYSTEM METRIC VALUE" lines (MRR@10, nDCG@10,
              Recall@100, zero-results, p50-ms, p99-ms). --split: dev (default) or test; tune on
              dev, look at test once. --model: re-rank with a learned ranking model.
              --run writes the ranked lists (query, document, rank, score; tab-separated, top 100);
              --baseline also runs bare Lucene BM25 (title ×2 + body, words OR-ed) for comparison;
              --synonyms: the editors' synonym file, as the API uses it (config/synonyms.txt).
          InnovationsFr.Indexer learn-ranking --index DIR [--judgments FILE] [--clicks FILE] [--queries FILE] --out FILE [--no-priors] [--trees N] [--leaves N]
          InnovationsFr.Indexer learn-ranking --dataset DIR [--split dev] --out FILE [--no-priors]
              Learns a ranking model (LambdaMART trees) from judgments: lines "query<TAB>article<TAB>grade"
              (grade 0 to 10; with --queries, a JSON lines file of id and text, the first column is a
              query id), readers' clicks (--clicks: what GET /api/admin/clicks/judgments exports; an
              editor's grade wins), or a test collection's split. The service re-orders its first 100 candidates
              with the model named by Search:RankingModelPath (read again when the file changes).
              --no-priors: learn without what the judgments say of each article.
          InnovationsFr.Indexer related --index DIR --id ID [--limit N]
              The related articles of one article, with why.
          InnovationsFr.Indexer tag-duplicates --index DIR [--limit N]
              List the groups of tags that are probably one (largest first, default 20), with
              alias lines to paste into config/tag-aliases.txt.

        Exit codes: 0 done; 1 refused (bad record with --strict, or no valid article);
        2 usage error; 3 file error; 4 another build holds the index; 130 interrupted.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? ExitCode.Usage : ExitCode.Ok;
        }

        Arguments parsed;
        try
        {
            var rest = args.Skip(1).ToList();
            if (args[0] is "import-wxr" or "import-wp-json" && rest.Count > 0 && !rest[0].StartsWith("--", StringComparison.Ordinal))
            {
                // The input is positional: import-wxr FILE --out FILE.
                rest = ["--input", .. rest];
            }

            parsed = Arguments.Parse(rest, flags: new HashSet<string>(StringComparer.Ordinal) { "strict", "baseline", "no-priors" });
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine(Usage);
            return ExitCode.Usage;
        }

        try
        {
            return args[0] switch
            {
                "build" => await BuildAsync(parsed, output, error, cancellationToken),
                "generate" => Generate(parsed, output, error),
                "import-wxr" => Import(parsed, output, error, WordPressImport.FromWxr, "import-wxr FILE --out FILE"),
                "import-wp-json" => Import(parsed, output, error, WordPressImport.FromRestApi, "import-wp-json PATH --out FILE"),
                "tag-duplicates" => TagDuplicates(parsed, output),
                "related-eval" => RelatedEval(parsed, output),
                "related" => Related(parsed, output),
                "eval" => await RelevanceEval.RunAsync(
                    parsed.One("dataset") ?? throw new ArgumentException("eval needs --dataset DIR"),
                    parsed.One("queries"), parsed.One("split") ?? "dev", parsed.One("run"), parsed.Has("baseline"), parsed.One("synonyms"), parsed.One("model"), output, cancellationToken),
                "learn-ranking" => await LearnRankingAsync(parsed, output, cancellationToken),
                _ => UsageError(error, $"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            return UsageError(error, e.Message);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("interrupted: nothing was published, the live index is unchanged");
            return ExitCode.Interrupted;
        }
        catch (IndexUnavailableException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCode.IoError;
        }
        catch (FormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCode.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCode.IoError;
        }
    }

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        error.WriteLine(Usage);
        return ExitCode.Usage;
    }

    private static async Task<int> BuildAsync(Arguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var corpus = args.All("corpus");
        if (corpus.Count == 0)
        {
            throw new ArgumentException("build needs at least one --corpus FILE");
        }

        var index = args.One("index") ?? throw new ArgumentException("build needs --index DIR");
        var options = new BuildOptions
        {
            Strict = args.Has("strict"),
            IndexingThreads = args.Int("threads") ?? new BuildOptions().IndexingThreads,
            TagAliases = args.One("aliases") is { } aliases
                ? File.Exists(aliases) ? TagAliases.Load(aliases) : throw new FileNotFoundException($"alias file not found: {aliases}")
                : TagAliases.None,
        };
        var progress = new ProgressPrinter(output, Console.IsOutputRedirected || output != Console.Out);
        var report = await IndexBuilder.BuildAsync(new IndexFolder(index), corpus, options, progress, cancellationToken);
        progress.Done();

        foreach (var problem in report.Problems)
        {
            error.WriteLine($"{problem.File}:{problem.Line}: {problem.Message}");
        }

        if (report.Skipped > report.Problems.Count)
        {
            error.WriteLine($"… and {report.Skipped - report.Problems.Count} more bad records");
        }

        var mb = report.Bytes / 1024d / 1024d;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{report.Outcome}: {report.Articles} articles indexed, {report.Skipped} skipped, {mb:F1} MB read in {report.Elapsed.TotalSeconds:F1} s ({report.ArticlesPerSecond:F0} articles/s, {mb / Math.Max(report.Elapsed.TotalSeconds, 1e-9):F1} MB/s)");
        switch (report.Outcome)
        {
            case BuildOutcome.Published:
                output.WriteLine(summary);
                if (report.JournalChanges > 0)
                {
                    output.WriteLine($"admin journal: {report.JournalChanges} changes made through the API applied over the corpus");
                }

                output.WriteLine($"live index: {report.Generation}");
                return ExitCode.Ok;
            case BuildOutcome.RefusedBadRecords:
                error.WriteLine(summary);
                error.WriteLine("refused (--strict): the live index is unchanged");
                return ExitCode.Refused;
            case BuildOutcome.NoArticles:
                error.WriteLine(summary);
                error.WriteLine("no valid article: the live index is unchanged");
                return ExitCode.Refused;
            default:
                error.WriteLine($"another build is running on {index}: try again when it has finished");
                return ExitCode.Busy;
        }
    }

    private static int Import(Arguments args, TextWriter output, TextWriter error, Func<string, WordPressImportReport> read, string usage)
    {
        var input = args.One("input") ?? throw new ArgumentException($"{usage}: the input is missing");
        var target = args.One("out") ?? throw new ArgumentException($"{usage}: --out is missing");
        if (!File.Exists(input) && !Directory.Exists(input))
        {
            throw new FileNotFoundException($"not found: {input}");
        }

        var report = read(input);
        foreach (var problem in report.Problems)
        {
            error.WriteLine($"{input}: {problem}");
        }

        var written = WordPressImport.WriteCorpus(target, report.Posts);
        var left = report.Skipped.Count == 0 ? "none" : string.Join(", ", report.Skipped.Select(s => $"{s.Value} {s.Key}"));
        output.WriteLine($"{written} published posts written to {target}; left out: {left}");
        return written == 0 && report.Problems.Count > 0 ? ExitCode.Refused : ExitCode.Ok;
    }

    private static async Task<int> LearnRankingAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var outFile = args.One("out") ?? throw new ArgumentException("learn-ranking needs --out FILE (e.g. config/ranking-model.zip)");
        var training = new RankingTraining
        {
            Trees = args.Int("trees") ?? new RankingTraining().Trees,
            Leaves = args.Int("leaves") ?? new RankingTraining().Leaves,
        };
        if (training.Trees is < 1 or > 5_000 || training.Leaves is < 2 or > 256)
        {
            throw new ArgumentException("--trees is 1 to 5000 and --leaves 2 to 256");
        }

        if (args.One("dataset") is { } dataset)
        {
            return await RelevanceEval.LearnAsync(dataset, args.One("split") ?? "dev", !args.Has("no-priors"), args.One("synonyms"), outFile, training, output, cancellationToken);
        }

        var indexPath = args.One("index") ?? throw new ArgumentException("learn-ranking needs --index DIR and --judgments FILE or --clicks FILE (or --dataset DIR)");
        if (args.One("judgments") == null && args.One("clicks") == null)
        {
            throw new ArgumentException("learn-ranking needs --judgments FILE, --clicks FILE or both");
        }

        var queries = args.One("queries") is { } queriesPath ? RelevanceEval.ReadQueries(queriesPath).ToDictionary(q => q.Id, q => q.Text, StringComparer.Ordinal) : null;
        var editors = args.One("judgments") is { } judgmentsPath ? RankingJudgment.Load(judgmentsPath, queries) : [];
        // Readers' clicks (GET /api/admin/clicks/judgments) fill in; an editor's grade for the same query and article wins.
        var clicks = args.One("clicks") is { } clicksPath ? RankingJudgment.Load(clicksPath) : [];
        var judged = editors.Select(j => (j.Query, j.Article)).ToHashSet();
        var judgments = editors.Concat(clicks.Where(c => !judged.Contains((c.Query, c.Article)))).ToList();
        output.WriteLine($"{editors.Count} editors' judgments, {judgments.Count - editors.Count} from clicks");
        using var index = new SearchIndex(new IndexFolder(indexPath), new SynonymFile(args.One("synonyms")));
        index.Open();
        var model = RankingLearner.Learn(index, judgments, !args.Has("no-priors"), training, output);
        model.Save(outFile);
        output.WriteLine($"model written to {outFile}{(args.Has("no-priors") ? " (no priors)" : $" (priors for {model.PriorArticles} articles)")}");
        return ExitCode.Ok;
    }

    private static int RelatedEval(Arguments args, TextWriter output)
    {
        var index = args.One("index") ?? throw new ArgumentException("related-eval needs --index DIR");
        var judgments = RelatedJudgments.Load(args.One("judgments") ?? throw new ArgumentException("related-eval needs --judgments FILE"));
        using var search = new SearchIndex(new IndexFolder(index));
        search.Open();
        output.WriteLine($"{judgments.BySource.Count} judged articles");
        foreach (var signals in new[] { RelatedSignals.TextOnly, RelatedSignals.TagsOnly, RelatedSignals.Combined })
        {
            var runs = judgments.BySource
                .Select(j => (Ranked: (search.Related(j.Key, new RelatedRequest { Limit = 5, Signals = signals }) ?? []).Select(r => r.Id).ToList(), Judged: j.Value))
                .ToList();
            var precision = runs.Average(r => RelatedJudgments.PrecisionAt(5, r.Ranked, r.Judged));
            var ndcg = runs.Average(r => RelatedJudgments.NdcgAt(5, r.Ranked, r.Judged));
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{signals,-9} P@5 {precision:F3} nDCG@5 {ndcg:F3}"));
        }

        return ExitCode.Ok;
    }

    private static int Related(Arguments args, TextWriter output)
    {
        var index = args.One("index") ?? throw new ArgumentException("related needs --index DIR");
        var id = args.One("id") ?? throw new ArgumentException("related needs --id ID");
        using var search = new SearchIndex(new IndexFolder(index));
        search.Open();
        var source = search.GetArticle(id) ?? throw new ArgumentException($"no article has the id '{id}'");
        output.WriteLine($"{source.Id} {source.PublishedAt:yyyy-MM-dd} {source.Title}");
        foreach (var r in search.Related(id, new RelatedRequest { Limit = args.Int("limit") ?? 5 })!)
        {
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"  {r.Score:F3} {r.Id} {r.PublishedAt:yyyy-MM-dd} {r.Title}"));
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"        text {r.Why.Text:F2} · tags {r.Why.Tags:F2} [{string.Join(", ", r.Why.SharedTags)}] · time {r.Why.Time:F2} · words: {string.Join(", ", r.Why.SharedTerms)}"));
        }

        return ExitCode.Ok;
    }

    private static int TagDuplicates(Arguments args, TextWriter output)
    {
        var index = args.One("index") ?? throw new ArgumentException("tag-duplicates needs --index DIR");
        var limit = args.Int("limit") ?? 20;
        using var search = new SearchIndex(new IndexFolder(index));
        search.Open();
        var groups = search.TagDuplicates(limit);
        var rank = 0;
        foreach (var group in groups)
        {
            output.WriteLine($"{++rank}. {group.ProposedLabel} — {group.Tags.Count} tags, {group.Tags.Sum(t => t.Count)} uses");
            foreach (var tag in group.Tags)
            {
                output.WriteLine($"     {tag.Label} ({tag.Count})");
            }

            foreach (var reason in group.Reasons.Take(6))
            {
                output.WriteLine($"     why: {reason}");
            }
        }

        output.WriteLine();
        output.WriteLine("# alias lines (review before pasting into config/tag-aliases.txt)");
        foreach (var line in groups.SelectMany(g => g.AliasLines))
        {
            output.WriteLine(line);
        }

        return ExitCode.Ok;
    }

    private static int Generate(Arguments args, TextWriter output, TextWriter error)
    {
        var count = args.Long("count") ?? throw new ArgumentException("generate needs --count N");
        if (count < 0)
        {
            throw new ArgumentException("--count must be 0 or more");
        }

        var seed = args.Int("seed") ?? 42;
        var path = args.One("out") ?? throw new ArgumentException("generate needs --out FILE");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory != null)
        {
            Directory.CreateDirectory(directory);
        }

        var temp = path + ".partial";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            new CorpusGenerator(seed).Write(stream, count, done => error.WriteLine($"generated {done} / {count}"));
        }

        File.Move(temp, path, overwrite: true);
        output.WriteLine($"generated {count} articles (seed {seed}) into {path}");
        return ExitCode.Ok;
    }
}

/// <summary>Options in the form --name value, repeatable, plus bare flags.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public static Arguments Parse(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var parsed = new Arguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            if (flags.Contains(name))
            {
                parsed._flags.Add(name);
                continue;
            }

            if (!e.MoveNext())
            {
                throw new ArgumentException($"--{name} needs a value");
            }

            if (!parsed._values.TryGetValue(name, out var list))
            {
                parsed._values[name] = list = [];
            }

            list.Add(e.Current);
        }

        return parsed;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public string? One(string name) => All(name) switch
    {
        [] => null,
        [var one] => one,
        _ => throw new ArgumentException($"--{name} is given more than once"),
    };

    public int? Int(string name) => One(name) is { } s
        ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"--{name} must be a positive whole number, not '{s}'")
        : null;

    public long? Long(string name) => One(name) is { } s
        ? long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--{name} must be a whole number, not '{s}'")
        : null;
}
