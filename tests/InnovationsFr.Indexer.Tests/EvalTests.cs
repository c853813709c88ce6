using System.Globalization;
using System.Text.Json;

namespace InnovationsFr.Indexer.Tests;

/// <summary>The relevance evaluation command on a small test collection written here.</summary>
public sealed class EvalTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-eval-tests", Guid.NewGuid().ToString("N"));

    public EvalTests()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllLines(Path.Combine(_root, "docs.jsonl"), [
            Doc("d1", "Congés payés", "Le salarié a droit à des congés payés chaque année.", "2020-01-01"),
            Doc("d2", "Période d'essai", "La période d'essai permet à l'employeur d'évaluer le salarié."),
            Doc("d3", "Licenciement économique", "Le licenciement pour motif économique suit une procédure."),
            Doc("d4", "Rupture conventionnelle", "La rupture conventionnelle est une séparation amiable."),
        ]);
        File.WriteAllLines(Path.Combine(_root, "queries.dev.jsonl"), [Query("q1", "conges payes"), Query("q2", "periode d essai")]);
        File.WriteAllLines(Path.Combine(_root, "queries.test.jsonl"), [Query("q3", "licenciment economique"), Query("q4", "zzzz")]);
        File.WriteAllLines(Path.Combine(_root, "qrels.tsv"), ["q1\td1\t2", "q2\td2\t2", "q2\td4\t1", "q3\td3\t2", "q4\td4\t1"]);
    }

    private static string Doc(string id, string title, string body, string? date = null) =>
        JsonSerializer.Serialize(new { id, title, body, tags = new[] { "fiche", "Travail" }, date });

    private static string Query(string id, string text) => JsonSerializer.Serialize(new { id, text });

    private static Dictionary<string, double> Metrics(string output, string file, string system = "product") => output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Trim().Split(' '))
        .Where(p => p.Length == 4 && p[0] == file && p[1] == system)
        .ToDictionary(p => p[2], p => double.Parse(p[3], CultureInfo.InvariantCulture));

    [Fact]
    public async Task Eval_PrintsMetricsPerQueryFile_AndWritesTheRankedLists()
    {
        var run = Path.Combine(_root, "run.tsv");
        var output = new StringWriter();

        var code = await Cli.RunAsync(["eval", "--dataset", _root, "--baseline"], output, new StringWriter(), CancellationToken.None);

        // dev by default: test is looked at only when asked for.
        Assert.Equal(ExitCode.Ok, code);
        var dev = Metrics(output.ToString(), "queries.dev.jsonl");
        Assert.Equal(1.0, dev["MRR@10"]);
        Assert.Equal(0.0, dev["zero-results"]);
        Assert.DoesNotContain("queries.test.jsonl", output.ToString());
        Assert.Contains("queries.dev.jsonl baseline nDCG@10", output.ToString());

        output = new StringWriter();
        code = await Cli.RunAsync(["eval", "--dataset", _root, "--split", "test", "--run", run], output, new StringWriter(), CancellationToken.None);
        Assert.Equal(ExitCode.Ok, code);
        var test = Metrics(output.ToString(), "queries.test.jsonl");
        // "licenciment" is a typo: the fallback still finds d3; "zzzz" finds nothing.
        Assert.Equal(0.5, test["MRR@10"]);
        Assert.Equal(0.5, test["zero-results"]);
        // The typo subset: both queries went typo-tolerant (unknown words); one finds its article first.
        Assert.Equal(2.0, test["typo-queries"]);
        Assert.Equal(0.5, test["typo-MRR@10"]);

        var lines = File.ReadAllLines(run).Select(l => l.Split('\t')).ToList();
        Assert.All(lines, l => Assert.Equal(4, l.Length));
        Assert.Contains(lines, l => l[0] == "q3" && l[1] == "d3" && l[2] == "1");
    }

    [Fact]
    public async Task LearnRanking_OnTheDevSplit_WritesAModelThatEvalUses()
    {
        var model = Path.Combine(_root, "model.zip");
        var output = new StringWriter();

        var code = await Cli.RunAsync(["learn-ranking", "--dataset", _root, "--out", model, "--trees", "5", "--leaves", "2"], output, new StringWriter(), CancellationToken.None);

        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("learnt from queries.dev.jsonl", output.ToString());
        Assert.True(File.Exists(model));
        output = new StringWriter();
        Assert.Equal(ExitCode.Ok, await Cli.RunAsync(["eval", "--dataset", _root, "--model", model], output, new StringWriter(), CancellationToken.None));
        Assert.Equal(1.0, Metrics(output.ToString(), "queries.dev.jsonl", "product+model")["MRR@10"]);
    }

    [Theory]
    [InlineData("eval", "--split", "train")]
    [InlineData("learn-ranking", "--split", "test")]
    [InlineData("learn-ranking", "--trees", "0")]
    public async Task ASplitOtherThanDevOrTest_OrLearningOnTest_IsAUsageError(string command, string option, string value)
    {
        var error = new StringWriter();
        var code = await Cli.RunAsync([command, "--dataset", _root, option, value, "--out", Path.Combine(_root, "m.zip")], new StringWriter(), error, CancellationToken.None);

        Assert.Equal(ExitCode.Usage, code);
        Assert.StartsWith("error:", error.ToString());
        Assert.False(File.Exists(Path.Combine(_root, "m.zip")));
    }

    [Fact]
    public async Task Eval_WithAFileThatIsNotAModel_IsRefused()
    {
        var bad = Path.Combine(_root, "bad.zip");
        File.WriteAllText(bad, "not a model");
        var error = new StringWriter();

        var code = await Cli.RunAsync(["eval", "--dataset", _root, "--model", bad], new StringWriter(), error, CancellationToken.None);

        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("not a ranking model", error.ToString());
    }

    [Fact]
    public async Task Eval_WithoutACollection_IsAFileError()
    {
        var code = await Cli.RunAsync(["eval", "--dataset", Path.Combine(_root, "missing")], new StringWriter(), new StringWriter(), CancellationToken.None);

        Assert.Equal(ExitCode.IoError, code);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
