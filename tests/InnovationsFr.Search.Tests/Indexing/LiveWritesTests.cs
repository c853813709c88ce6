using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Indexing;

/// <summary>Near-real-time, durable writes on the open index: the journal, replay, rebuilds beside a live index.</summary>
public sealed class LiveWritesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-live-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SearchIndex> _opened = [];

    /// <summary>How long a test waits for what must happen: speed is the benchmarks' business, and a loaded 2-core CI machine may stall any process for seconds.</summary>
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(60);

    private static readonly Article[] Corpus =
    [
        TestIndex.Article("a1", "Les batteries solides arrivent", "Les batteries solides promettent une autonomie doublée.", tags: ["Batteries"]),
        TestIndex.Article("a2", "La fusion nucléaire progresse", "Un tokamak français bat un record de durée.", tags: ["Énergie"]),
        TestIndex.Article("a3", "Le quantique sort du laboratoire", "Des processeurs quantiques pour l'industrie.", tags: ["Quantique"]),
    ];

    private IndexFolder BuildFolder(string name, IEnumerable<Article> articles)
    {
        var corpus = Path.Combine(_root, name + ".jsonl");
        Directory.CreateDirectory(_root);
        TestIndex.WriteCorpus(corpus, articles);
        var folder = new IndexFolder(Path.Combine(_root, name));
        Assert.Equal(BuildOutcome.Published, IndexBuilder.BuildAsync(folder, [corpus]).GetAwaiter().GetResult().Outcome);
        return folder;
    }

    private SearchIndex OpenWritable(IndexFolder folder)
    {
        var index = new SearchIndex(folder) { AcceptsWrites = true, RefreshEvery = TimeSpan.FromMilliseconds(50) };
        _opened.Add(index);
        index.Open();
        return index;
    }

    private static List<string> Ids(SearchIndex index, string query) =>
        index.Search(new SearchRequest { Query = query, Size = 50 }).Hits.Select(h => h.Id).ToList();

    [Fact]
    public async Task Apply_IsVisibleAfterTheBackgroundRefresh_NotBefore_AndCountsTags()
    {
        var index = OpenWritable(BuildFolder("visible", Corpus));
        Assert.True(await index.WaitVisibleAsync(index.Apply([IndexChange.Upsert(Corpus[2])]), Generously));

        var sequence = index.Apply([IndexChange.Upsert(TestIndex.Article("n1", "Un supercalculateur exaflopique", "Calcul intensif.", tags: ["Batteries"]))]);

        Assert.True(await index.WaitVisibleAsync(sequence, Generously));
        Assert.Equal(["n1"], Ids(index, "exaflopique"));
        Assert.Equal(2, index.TagCloud(new TagCloudRequest()).Tags.Single(t => t.Slug == "batteries").Count);

        sequence = index.Apply([IndexChange.Delete("a1")]);
        Assert.True(await index.WaitVisibleAsync(sequence, Generously));
        Assert.Empty(Ids(index, "solides autonomie"));
        Assert.Null(index.GetArticle("a1"));
        Assert.Equal(1, index.TagCloud(new TagCloudRequest()).Tags.Single(t => t.Slug == "batteries").Count);
    }

    /// <summary>A writable index whose journal may be compacted from 4 KB on.</summary>
    private SearchIndex OpenWithSmallJournalFloor(IndexFolder folder)
    {
        var index = new SearchIndex(folder) { AcceptsWrites = true, RefreshEvery = TimeSpan.FromMilliseconds(50), JournalCompactionFloor = 4_096 };
        _opened.Add(index);
        index.Open();
        return index;
    }

    [Fact]
    public async Task TheJournal_IsCompactedWhileWritesGoOn_AndKeepsTheLastChangeOfEachArticle()
    {
        var folder = BuildFolder("compaction", Corpus);
        var index = OpenWithSmallJournalFloor(folder);

        // 300 single writes over six articles: the journal passes its floor again and again, and
        // compacts in the background while the next writes are appended.
        long sequence = 0;
        for (var round = 0; round < 50; round++)
        {
            for (var n = 0; n < 6; n++)
            {
                sequence = index.Apply([n == 5 && round % 2 == 1
                    ? IndexChange.Delete("c5")
                    : IndexChange.Upsert(TestIndex.Article($"c{n}", $"Version {round} de l'article {n}", $"Texte de la version {round}."))]);
            }
        }

        Assert.True(await index.WaitVisibleAsync(sequence, Generously));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (index.Compacting && clock.Elapsed < Generously)
        {
            await Task.Delay(20);
        }

        var lines = File.ReadAllLines(Path.Combine(folder.Root, "journal.jsonl"));
        Assert.InRange(lines.Length, 6, 299);
        // The compacted journal was renamed into place, and the folder flushed for the rename to last.
        Assert.Contains(Path.GetFullPath(folder.Root), DurableFile.SyncedFolders);
        Assert.Equal(sequence, index.Sequences.Acknowledged);

        // What a crash would leave, reopened: the last version of each article, the withdrawn one gone.
        var copy = Path.Combine(_root, "compaction-copy");
        CopyFolder(folder.Root, copy);
        var reopened = new SearchIndex(new IndexFolder(copy)) { AcceptsWrites = true };
        _opened.Add(reopened);
        reopened.Open();
        for (var n = 0; n < 5; n++)
        {
            Assert.Equal($"Version 49 de l'article {n}", reopened.GetArticle($"c{n}")?.Title);
        }

        Assert.Null(reopened.GetArticle("c5"));

        // A later write goes on after the last sequence number.
        Assert.Equal(sequence + 1, reopened.Apply([IndexChange.Delete("c0")]));
    }

    [Fact]
    public async Task TheJournal_IsNotCompacted_WhileItsRecordsAreAllDistinctArticles()
    {
        var folder = BuildFolder("no-compaction", Corpus);
        var index = OpenWithSmallJournalFloor(folder);
        var journal = Path.Combine(folder.Root, "journal.jsonl");

        // 80 new articles, far past the 4 KB floor: compaction would rewrite the file for nothing.
        for (var n = 0; n < 80; n++)
        {
            index.Apply([IndexChange.Upsert(TestIndex.Article($"new{n}", $"Nouvel article {n}", $"Texte de l'article {n}."))]);
            Assert.False(index.Compacting);
        }

        Assert.True(new FileInfo(journal).Length > 4 * 4_096);
        Assert.Equal(80, File.ReadAllLines(journal).Length);

        // 80 corrections of the same articles: now half the records are stale, and compaction drops them.
        long sequence = 0;
        for (var n = 0; n < 80; n++)
        {
            sequence = index.Apply([IndexChange.Upsert(TestIndex.Article($"new{n}", $"Article corrigé {n}", $"Texte corrigé {n}."))]);
        }

        Assert.True(await index.WaitVisibleAsync(sequence, Generously));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((index.Compacting || File.ReadAllLines(journal).Length >= 160) && clock.Elapsed < Generously)
        {
            await Task.Delay(20);
        }

        var lines = File.ReadAllLines(journal);
        Assert.InRange(lines.Length, 80, 159);
        Assert.Equal("Article corrigé 79", index.GetArticle("new79")?.Title);
    }

    [Fact]
    public void AcknowledgedChanges_SurviveACrash_ReplayedFromTheJournal()
    {
        var folder = BuildFolder("crash", Corpus);
        var live = OpenWritable(folder);
        live.Apply([IndexChange.Upsert(TestIndex.Article("n2", "Le photovoltaïque organique", "Des cellules souples."))]);
        live.Apply([IndexChange.Delete("a2")]);

        // What is on disk right now is what a kill -9 would leave: copy it, and open the copy.
        var copy = Path.Combine(_root, "crash-copy");
        CopyFolder(folder.Root, copy);
        var reopened = new SearchIndex(new IndexFolder(copy)) { AcceptsWrites = true };
        _opened.Add(reopened);
        reopened.Open();

        Assert.Equal(["n2"], Ids(reopened, "photovoltaïque"));
        Assert.Null(reopened.GetArticle("a2"));
        Assert.NotNull(reopened.GetArticle("a3"));
        Assert.True(reopened.Sequences.Committed >= 2);
    }

    [Fact]
    public async Task ATornLastJournalLine_IsIgnored_AndLaterWritesGoOn()
    {
        var folder = BuildFolder("torn", Corpus);
        var first = OpenWritable(folder);
        first.Apply([IndexChange.Upsert(TestIndex.Article("n3", "La géothermie profonde", "Forages."))]);
        var copy = Path.Combine(_root, "torn-copy");
        CopyFolder(folder.Root, copy);
        // A write cut short by the crash (its fsync never returned, so it was never acknowledged).
        File.AppendAllText(Path.Combine(copy, "journal.jsonl"), "{\"seq\":2,\"id\":\"n4\",\"article\":{\"id\":\"n4\",\"tit");

        var reopened = new SearchIndex(new IndexFolder(copy)) { AcceptsWrites = true, RefreshEvery = TimeSpan.FromMilliseconds(50) };
        _opened.Add(reopened);
        reopened.Open();
        var sequence = reopened.Apply([IndexChange.Upsert(TestIndex.Article("n5", "Les éoliennes flottantes", "En mer."))]);

        Assert.Equal(2, sequence);
        Assert.True(await reopened.WaitVisibleAsync(sequence, Generously));
        Assert.Equal(["n3"], Ids(reopened, "géothermie"));
        Assert.Equal(["n5"], Ids(reopened, "éoliennes"));
        Assert.All(File.ReadAllLines(Path.Combine(copy, "journal.jsonl")), line => Assert.EndsWith("}", line));
    }

    [Fact]
    public async Task ABuildBesideTheLiveIndex_IsSwappedIn_WithTheJournalAppliedOverTheCorpus()
    {
        var folder = BuildFolder("beside", Corpus);
        var live = OpenWritable(folder);
        var before = live.OpenGenerationPath;
        live.Apply([IndexChange.Upsert(TestIndex.Article("n6", "Le cobalt se raréfie", "Mines.")), IndexChange.Delete("a3")]);

        // The indexer's build, run beside the service on the same folder (a new corpus with one more article).
        var corpus = Path.Combine(_root, "beside-2.jsonl");
        TestIndex.WriteCorpus(corpus, [.. Corpus, TestIndex.Article("a4", "Le lithium européen", "Une mine en Alsace.")]);
        var report = await IndexBuilder.BuildAsync(folder, [corpus]);
        var during = live.Apply([IndexChange.Upsert(TestIndex.Article("n7", "Le graphène industriel", "Production."))]);

        Assert.Equal(BuildOutcome.Published, report.Outcome);
        Assert.Equal(2, report.JournalChanges);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (live.OpenGenerationPath == before && clock.Elapsed < Generously)
        {
            await Task.Delay(50);
        }

        Assert.NotEqual(before, live.OpenGenerationPath);
        Assert.True(await live.WaitVisibleAsync(during, Generously));
        Assert.Equal(["a4"], Ids(live, "lithium"));
        Assert.Equal(["n6"], Ids(live, "cobalt"));
        Assert.Equal(["n7"], Ids(live, "graphène"));
        Assert.Empty(Ids(live, "quantique"));
    }

    [Fact]
    public async Task StartRebuild_ReportsProgressAndSwapsIn_WhileSearchesGoOn()
    {
        var folder = BuildFolder("rebuild", Corpus);
        var live = OpenWritable(folder);
        var corpus = Path.Combine(_root, "rebuild-2.jsonl");
        TestIndex.WriteCorpus(corpus, [.. Corpus, TestIndex.Article("a5", "L'hydrogène vert", "Électrolyseurs.")]);

        Assert.True(live.StartRebuild([corpus], new BuildOptions()));
        Assert.False(live.StartRebuild([corpus], new BuildOptions()) && live.Rebuild.State == RebuildState.Running);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (live.Rebuild.State == RebuildState.Running)
        {
            Assert.NotEmpty(Ids(live, "batteries"));
            Assert.True(clock.Elapsed < Generously);
            await Task.Delay(5);
        }

        Assert.Equal(RebuildState.Succeeded, live.Rebuild.State);
        Assert.Equal(4, live.Rebuild.Articles);
        Assert.Equal(["a5"], Ids(live, "hydrogène"));
    }

    [Fact]
    public async Task OpeningTheServedGenerationAgain_KeepsServing_AndWritesGoOnOnTheNewWriter()
    {
        var index = OpenWritable(BuildFolder("reopen", Corpus));
        var sequence = index.Apply([IndexChange.Upsert(TestIndex.Article("r1", "Le recyclage des panneaux solaires", "Silicium."))]);
        Assert.True(await index.WaitVisibleAsync(sequence, Generously));
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!Ids(index, "recyclage batteries").Contains("r1"))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        for (var i = 0; i < 3; i++)
        {
            index.Open();
            await Task.Delay(50);
        }

        sequence = index.Apply([IndexChange.Upsert(TestIndex.Article("r2", "Le recyclage du lithium", "Hydrométallurgie.")), IndexChange.Delete("a2")]);
        Assert.True(await index.WaitVisibleAsync(sequence, Generously));
        await stop.CancelAsync();
        await reader;

        Assert.Equal(0, failures);
        Assert.Equal(["r1", "r2"], Ids(index, "recyclage").Order());
        Assert.Null(index.GetArticle("a2"));
        Assert.True(index.Sequences.Committed >= 1); // opening again committed what was acknowledged before it
    }

    [Fact]
    public void CorpusWriter_WritesWhatCorpusReaderReads()
    {
        var article = TestIndex.Article("w1", "L'IA générative « en français »", "Corps avec \"guillemets\"\net retour.", "2025-03-04T05:06:07.5+02:00", "Tech > IA", "Chapô", "IA", "Éthique") with { Author = "Zoé", UpdatedAt = DateTimeOffset.Parse("2025-03-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) };

        var line = CorpusWriter.Line(article);
        var read = CorpusReader.Parse("x", 1, line).Article;

        Assert.DoesNotContain('\n', line);
        Assert.Contains("générative", line);
        Assert.NotNull(read);
        Assert.Equal(article with { Tags = [] }, read! with { Tags = [] });
        Assert.Equal(article.Tags, read.Tags);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!file.EndsWith(".lock", StringComparison.Ordinal))
            {
                File.Copy(file, target);
            }
        }
    }

    public void Dispose()
    {
        foreach (var index in _opened)
        {
            index.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
