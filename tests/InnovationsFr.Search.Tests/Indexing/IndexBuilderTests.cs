using InnovationsFr.Search;
using static InnovationsFr.Search.Tests.TestIndex;

namespace InnovationsFr.Search.Tests.Indexing;

public class IndexBuilderTests
{
    [Fact]
    public async Task Build_WithBadLines_SkipsThemAndReportsEachByLine()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        var corpus = Path.Combine(index.Root, "mixed.jsonl");
        WriteCorpus(corpus, [Article("a", "Premier", "texte"), Article("b", "Second", "texte")]);
        File.AppendAllLines(corpus, ["{oops", """{"id":"a","title":"Doublon","publishedAt":"2025-01-01T00:00:00Z"}""", """{"id":"c","title":"Date","publishedAt":"hier"}"""]);

        var report = await IndexBuilder.BuildAsync(index.Folder, [corpus]);

        Assert.Equal(BuildOutcome.Published, report.Outcome);
        Assert.Equal(2, report.Articles);
        Assert.Equal(3, report.Skipped);
        Assert.Equal([3, 4, 5], report.Problems.Select(p => p.Line));
        Assert.Contains("invalid JSON", report.Problems[0].Message);
        Assert.Contains("duplicate id 'a'", report.Problems[1].Message);
        Assert.Contains("bad date", report.Problems[2].Message);
        Assert.All(report.Problems, p => Assert.Equal(corpus, p.File));
    }

    [Fact]
    public async Task StrictBuild_WithABadLine_FailsAndLeavesTheLiveIndexUntouched()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        var live = index.Folder.CurrentGeneration;
        var corpus = Path.Combine(index.Root, "bad.jsonl");
        WriteCorpus(corpus, [Article("new", "Nouveau", "texte")]);
        File.AppendAllLines(corpus, ["""{"title":"sans id","publishedAt":"2025-01-01T00:00:00Z"}"""]);

        var report = await IndexBuilder.BuildAsync(index.Folder, [corpus], new BuildOptions { Strict = true });

        Assert.Equal(BuildOutcome.RefusedBadRecords, report.Outcome);
        Assert.Equal("missing id", report.Problems.Single().Message);
        Assert.Equal(live, index.Folder.CurrentGeneration);
        Assert.Single(Directory.GetDirectories(index.Folder.Root));
        index.Index.Open();
        Assert.Equal(["old"], index.Ids(null));
    }

    [Fact]
    public async Task Build_WithNoValidArticle_KeepsTheLiveIndex()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        var live = index.Folder.CurrentGeneration;
        var corpus = Path.Combine(index.Root, "empty.jsonl");
        File.WriteAllLines(corpus, ["{", "[]"]);

        var report = await IndexBuilder.BuildAsync(index.Folder, [corpus]);

        Assert.Equal(BuildOutcome.NoArticles, report.Outcome);
        Assert.Equal(live, index.Folder.CurrentGeneration);
    }

    [Fact]
    public async Task CancelledBuild_LeavesTheLiveIndexServing()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        var live = index.Folder.CurrentGeneration;
        var corpus = Path.Combine(index.Root, "big.jsonl");
        WriteCorpus(corpus, Enumerable.Range(0, 20_000).Select(i => Article($"n{i}", $"Article {i}", "texte " + i)));
        using var cancel = new CancellationTokenSource();
        var progress = new Progress<BuildProgress>(p =>
        {
            if (p.Articles > 0)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            IndexBuilder.BuildAsync(index.Folder, [corpus], progress: new SynchronousProgress(cancel), cancellationToken: cancel.Token));

        Assert.Equal(live, index.Folder.CurrentGeneration);
        Assert.Single(Directory.GetDirectories(index.Folder.Root));
        Assert.Equal(["old"], index.Ids(null));
        GC.KeepAlive(progress);
    }

    [Fact]
    public async Task Rebuild_PublishesTheNewGeneration_AndKeepsOnlyThePreviousOne()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        var first = index.Folder.CurrentGeneration;
        var corpus = Path.Combine(index.Root, "next.jsonl");
        WriteCorpus(corpus, [Article("new", "Nouveau", "texte")]);

        await IndexBuilder.BuildAsync(index.Folder, [corpus]);
        var report = await IndexBuilder.BuildAsync(index.Folder, [corpus]);

        Assert.Equal(report.Generation, index.Folder.CurrentGeneration);
        Assert.Equal(2, Directory.GetDirectories(index.Folder.Root).Length);
        Assert.False(Directory.Exists(first));
        index.Index.Open();
        Assert.Equal(["new"], index.Ids(null));
    }

    [Fact]
    public async Task Publishing_FlushesTheIndexFolder_SoTheRenamedPointerSurvivesAPowerLoss()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        var corpus = Path.Combine(index.Root, "next.jsonl");
        WriteCorpus(corpus, [Article("new", "Nouveau", "texte")]);

        var report = await IndexBuilder.BuildAsync(index.Folder, [corpus]);

        Assert.Equal(report.Generation, index.Folder.CurrentGeneration);
        Assert.Contains(Path.GetFullPath(index.Folder.Root), DurableFile.SyncedFolders);
    }

    [Fact]
    public async Task Build_WhileAnotherHoldsTheLock_ReportsBusy()
    {
        using var index = new TestIndex([Article("old", "Ancien", "ancien texte")]);
        using var held = new FileStream(Path.Combine(index.Folder.Root, "build.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var report = await IndexBuilder.BuildAsync(index.Folder, [index.CorpusPath]);

        Assert.Equal(BuildOutcome.Busy, report.Outcome);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool and may arrive late).</summary>
    private sealed class SynchronousProgress(CancellationTokenSource cancel) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value)
        {
            if (value.Articles > 0)
            {
                cancel.Cancel();
            }
        }
    }
}
