using System.Diagnostics;
using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Indexer.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-cli-tests", Guid.NewGuid().ToString("N"));

    public CliTests() => Directory.CreateDirectory(_root);

    private string Corpus(string name, params string[] lines)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Line(string id, string title) =>
        JsonSerializer.Serialize(new { id, title, body = "texte de " + title, publishedAt = "2025-01-01T10:00:00+01:00", tags = new[] { "IA" } });

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Cli.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Build_ReportsBadLinesByFileAndLine_AndPublishesTheGoodOnes()
    {
        var corpus = Corpus("c.jsonl", Line("a", "Un"), "{cassé", Line("b", "Deux"), Line("a", "Doublon"));
        var index = Path.Combine(_root, "index");

        var (code, output, error) = await RunAsync("build", "--corpus", corpus, "--index", index);

        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains($"{corpus}:2: invalid JSON", error);
        Assert.Contains($"{corpus}:4: duplicate id 'a'", error);
        Assert.Contains("Published: 2 articles indexed, 2 skipped", output);
        Assert.NotNull(new IndexFolder(index).CurrentGeneration);
    }

    private static string WordPressData(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "data", "wordpress", name);
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public async Task ImportWxr_ThenBuild_IndexesThePublishedPosts()
    {
        var corpus = Path.Combine(_root, "wp.jsonl");
        var index = Path.Combine(_root, "index");

        var (code, output, _) = await RunAsync("import-wxr", WordPressData("themeunittestdata.wordpress.xml"), "--out", corpus);
        var (built, buildOutput, _) = await RunAsync("build", "--corpus", corpus, "--index", index);

        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("48 published posts written", output);
        Assert.Contains("1 draft", output);
        Assert.Contains("1 future", output);
        Assert.Contains("1 password-protected", output);
        Assert.Equal(ExitCode.Ok, built);
        Assert.Contains("Published: 48 articles indexed, 0 skipped", buildOutput);
    }

    [Fact]
    public async Task ImportWpJson_ReadsAFolderOfPages()
    {
        var corpus = Path.Combine(_root, "wp.jsonl");

        var (code, output, _) = await RunAsync("import-wp-json", WordPressData("wp-json"), "--out", corpus);

        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("2 published posts written", output);
        Assert.Equal(2, File.ReadAllLines(corpus).Length);
    }

    [Fact]
    public async Task Import_WithoutOut_OrAMissingFile_IsAUsageOrFileError()
    {
        Assert.Equal(ExitCode.Usage, (await RunAsync("import-wxr", WordPressData("innovationsfr-sample.wxr.xml"))).Code);
        Assert.Equal(ExitCode.IoError, (await RunAsync("import-wxr", Path.Combine(_root, "absent.xml"), "--out", Path.Combine(_root, "x.jsonl"))).Code);
    }

    [Fact]
    public async Task StrictBuild_WithABadLine_ExitsOne_AndKeepsTheLiveIndex()
    {
        var index = Path.Combine(_root, "index");
        await RunAsync("build", "--corpus", Corpus("good.jsonl", Line("a", "Un")), "--index", index);
        var live = new IndexFolder(index).CurrentGeneration;

        var (code, _, error) = await RunAsync("build", "--corpus", Corpus("bad.jsonl", Line("b", "Deux"), """{"id":"c"}"""), "--index", index, "--strict");

        Assert.Equal(ExitCode.Refused, code);
        Assert.Contains("bad.jsonl:2: article 'c': missing title", error);
        Assert.Contains("live index is unchanged", error);
        Assert.Equal(live, new IndexFolder(index).CurrentGeneration);
    }

    [Theory]
    [InlineData(ExitCode.Usage, "build", "--index", "x")]
    [InlineData(ExitCode.Usage, "build", "--corpus")]
    [InlineData(ExitCode.Usage, "frobnicate")]
    [InlineData(ExitCode.Usage, "generate", "--count", "many", "--out", "x")]
    [InlineData(ExitCode.IoError, "build", "--corpus", "/nonexistent/corpus.jsonl", "--index", "x")]
    public async Task BadInvocation_ExitsWithItsDocumentedCode(int expected, params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(expected, code);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public async Task LearnRanking_FromAnIndex_JoinsEditorsJudgmentsAndClicks_AndNeedsOneOfThem()
    {
        var index = Path.Combine(_root, "index");
        await RunAsync("build", "--corpus", Corpus("learn.jsonl", Line("a", "Batteries solides"), Line("b", "Batteries au sodium"), Line("c", "Batteries et recyclage")), "--index", index);
        File.WriteAllLines(Path.Combine(_root, "judgments.tsv"), ["batteries\tb\t2"]);
        File.WriteAllLines(Path.Combine(_root, "clicks.tsv"), ["# from clicks", "batteries\tb\t1", "batteries\tc\t1"]);
        var model = Path.Combine(_root, "model.zip");

        var (code, output, _) = await RunAsync("learn-ranking", "--index", index, "--judgments", Path.Combine(_root, "judgments.tsv"), "--clicks", Path.Combine(_root, "clicks.tsv"), "--out", model, "--trees", "3");

        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("1 editors' judgments, 1 from clicks", output);
        Assert.True(File.Exists(model));
        var (missing, _, error) = await RunAsync("learn-ranking", "--index", index, "--out", model);
        Assert.Equal(ExitCode.Usage, missing);
        Assert.Contains("--judgments FILE, --clicks FILE", error);
    }

    [Fact]
    public async Task TagDuplicates_PrintsGroupsAndAliasLines()
    {
        var index = Path.Combine(_root, "index");
        var corpus = Corpus("tags.jsonl",
            JsonSerializer.Serialize(new { id = "a", title = "Un", publishedAt = "2025-01-01T10:00:00Z", tags = new[] { "Véhicule électrique", "UE" } }),
            JsonSerializer.Serialize(new { id = "b", title = "Deux", publishedAt = "2025-01-02T10:00:00Z", tags = new[] { "véhicules électriques", "Union européenne" } }),
            JsonSerializer.Serialize(new { id = "c", title = "Trois", publishedAt = "2025-01-03T10:00:00Z", tags = new[] { "véhicules électriques", "Union européenne" } }));
        await RunAsync("build", "--corpus", corpus, "--index", index);

        var (code, output, _) = await RunAsync("tag-duplicates", "--index", index);

        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Véhicule électrique => véhicules électriques", output);
        Assert.Contains("UE => Union européenne", output);
        Assert.Contains("why: ", output);
    }

    [Fact]
    public async Task TagDuplicates_WithoutAnIndex_IsAFileError()
    {
        var (code, _, error) = await RunAsync("tag-duplicates", "--index", Path.Combine(_root, "none"));

        Assert.Equal(ExitCode.IoError, code);
        Assert.Contains("no index", error);
    }

    [Fact]
    public async Task Generate_WritesTheRequestedNumberOfLines()
    {
        var output = Path.Combine(_root, "gen.jsonl");

        var (code, _, _) = await RunAsync("generate", "--count", "25", "--seed", "5", "--out", output);

        Assert.Equal(ExitCode.Ok, code);
        Assert.Equal(25, File.ReadLines(output).Count());
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task BuildKilledMidway_LeavesThePreviousIndexServing()
    {
        var index = Path.Combine(_root, "index");
        await RunAsync("build", "--corpus", Corpus("old.jsonl", Line("old-1", "Ancien"), Line("old-2", "Ancien aussi")), "--index", index);
        var folder = new IndexFolder(index);
        var live = folder.CurrentGeneration;
        var big = Path.Combine(_root, "big.jsonl");
        using (var stream = File.Create(big))
        {
            new CorpusGenerator(11).Write(stream, 8000);
        }

        using (var process = StartIndexer("build", "--corpus", big, "--index", index))
        {
            // Wait until it is really indexing, then kill -9: no chance to clean up.
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) != null && !IsIndexing(line))
            {
            }

            Assert.NotNull(line);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Equal(live, folder.CurrentGeneration);
        using (var search = new SearchIndex(folder))
        {
            search.Open();
            Assert.Equal(["old-1", "old-2"], search.Search(new SearchRequest()).Hits.Select(h => h.Id).Order());
        }

        // The next build succeeds and sweeps the half-written generation away.
        var (code, _, _) = await RunAsync("build", "--corpus", Corpus("new.jsonl", Line("new", "Nouveau")), "--index", index);
        Assert.Equal(ExitCode.Ok, code);
        Assert.Equal(2, Directory.GetDirectories(index).Length);
    }

    private static bool IsIndexing(string line) =>
        line.StartsWith("indexing: ", StringComparison.Ordinal) && !line.StartsWith("indexing: 0 ", StringComparison.Ordinal);

    private static Process StartIndexer(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "InnovationsFr.Indexer.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
