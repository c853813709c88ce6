using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Searching;

/// <summary>
/// Searches repeated after writes replay the kept tallies of unchanged segments: they must answer
/// exactly what scoring every segment again answers — totals, every facet, the hits in order.
/// </summary>
public sealed class SegmentSearchTests : IDisposable
{
    private static readonly string[] Words = ["réseau", "batterie", "satellite", "processeur", "données", "robot", "capteur", "fusée", "puce", "algorithme"];
    private static readonly string[] TagPool = ["IA", "Espace", "Énergie", "Cybersécurité", "Semi-conducteurs", "Robotique"];
    private static readonly string[] Rubrics = ["Tech > IA", "Tech > Espace", "Science"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-segment-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SearchIndex> _opened = [];

    /// <summary>Articles that differ in words, length, tags, rubric and date (every one mentions "commun").</summary>
    private static List<Article> Corpus(int count, int seed, string idPrefix = "a")
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.FromHours(1));
        return Enumerable.Range(0, count).Select(i =>
        {
            var words = Enumerable.Range(0, 3 + random.Next(12)).Select(_ => Words[random.Next(Words.Length)]);
            var tags = TagPool.Where(_ => random.Next(3) == 0).ToArray();
            return TestIndex.Article(
                $"{idPrefix}{i}",
                $"{Words[random.Next(Words.Length)]} et {Words[random.Next(Words.Length)]} numéro {i}",
                "Un texte commun sur " + string.Join(' ', words) + ".",
                start.AddHours(i * 37 + random.Next(30)).ToString("O"),
                Rubrics[random.Next(Rubrics.Length)],
                tags: tags);
        }).ToList();
    }

    private SearchIndex Open(IEnumerable<Article> articles, double drift = 10, bool cacheAnswers = false)
    {
        Directory.CreateDirectory(_root);
        var corpus = Path.Combine(_root, "corpus.jsonl");
        TestIndex.WriteCorpus(corpus, articles);
        var folder = new IndexFolder(Path.Combine(_root, "index"));
        // One indexing thread: one segment, so that which documents share a kept tally does not depend on thread timing.
        Assert.Equal(BuildOutcome.Published, IndexBuilder.BuildAsync(folder, [corpus], new BuildOptions { IndexingThreads = 1 }).GetAwaiter().GetResult().Outcome);
        var index = new SearchIndex(folder)
        {
            AcceptsWrites = true,
            RefreshEvery = TimeSpan.FromMilliseconds(50),
            CacheAnswers = cacheAnswers,
            // Every segment kept, and one statistics epoch whatever the index's growth (it grows by a tenth here).
            Segments = new SegmentSearch { MinKeptSegmentDocs = 1 },
            StatisticsDrift = drift,
        };
        _opened.Add(index);
        index.Open();
        return index;
    }

    private static readonly SearchRequest[] Requests =
    [
        new() { Query = "réseau" },
        new() { Query = "batterie satellite", Size = 5 },
        new() { Query = "commun", Sort = SearchSort.Date, Size = 20 },
        new() { Query = "commun", Tags = ["IA"] },
        new() { Query = "commun", Tags = ["IA", "Espace"], TagMode = TagMode.Any, Histogram = DateInterval.Month },
        new() { Query = "robot", Tags = ["Robotique", "IA"], TagMode = TagMode.All },
        new() { Query = "puce", Rubric = "Tech" },
        new() { Query = "données", From = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero) },
        new() { Query = "capteur", Page = 2, Size = 3 },
        new() { Tags = ["Énergie"], Sort = SearchSort.Date },
    ];

    /// <summary>What a search answers — hits, scores, facets, cursor — less its timing.</summary>
    private static string Answer(SearchIndex index, SearchRequest request) =>
        System.Text.Json.JsonSerializer.Serialize(index.Search(request) with { TookMs = 0 });

    /// <summary>
    /// The same search scored afresh and through the kept tallies, on one reader version (a merge
    /// finishing in the background between the two would renumber documents and change the cursor).
    /// </summary>
    private static void AssertSameAnswer(SearchIndex index, SearchRequest request)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var version = index.Version();
            var fresh = Fresh(index, request);
            var kept = Answer(index, request);
            if (index.Version() == version)
            {
                Assert.Equal(fresh, kept);
                return;
            }
        }

        Assert.Fail("the index kept changing");
    }

    private static string Fresh(SearchIndex index, SearchRequest request)
    {
        var keeping = index.Segments;
        index.Segments = new SegmentSearch { MinKeptSegmentDocs = int.MaxValue };
        try
        {
            return Answer(index, request);
        }
        finally
        {
            index.Segments = keeping;
        }
    }

    [Fact]
    public async Task AfterUpsertsDeletesAndNewArticles_ReplayedTallies_AnswerWhatAFullSearchAnswers()
    {
        var articles = Corpus(150, seed: 3);
        var index = Open(articles);
        foreach (var request in Requests)
        {
            AssertSameAnswer(index, request);
        }

        // Withdraw some, re-tag and re-date others, add new ones: the big segment only loses documents.
        // (None becomes the newest article: the recency boost counts from it, so that would rank everything afresh.)
        var changes = new List<IndexChange>();
        changes.AddRange(articles.Where((_, i) => i % 9 == 0).Select(a => IndexChange.Delete(a.Id)));
        changes.AddRange(articles.Where((_, i) => i % 7 == 1).Select(a => IndexChange.Upsert(a with
        {
            Tags = [.. a.Tags, "IA"],
            PublishedAt = a.PublishedAt.AddDays(-40),
            Body = a.Body + " Mise à jour : robot.",
        })));
        changes.AddRange(Corpus(12, seed: 11, idPrefix: "n").Select(IndexChange.Upsert));
        Assert.True(await index.WaitVisibleAsync(index.Apply(changes), TimeSpan.FromSeconds(60)));

        var before = index.Segments.Counts;
        foreach (var request in Requests)
        {
            AssertSameAnswer(index, request);
        }

        Assert.True(index.Segments.Counts.Replayed > before.Replayed, "the searches after the writes replayed no kept tally");
    }

    [Fact]
    public async Task HitsShownFromTheHitCache_AfterWrites_AreWhatLoadingAndHighlightingAfreshShows()
    {
        var articles = Corpus(150, seed: 4);
        var index = Open(articles, cacheAnswers: true);
        foreach (var request in Requests)
        {
            index.Search(request);
        }

        // Corrected bodies and tags, withdrawals, new articles: every refresh is a new version, so
        // the answers are computed again, and their unchanged hits come from the hit cache.
        var changes = new List<IndexChange>();
        changes.AddRange(articles.Where((_, i) => i % 9 == 0).Select(a => IndexChange.Delete(a.Id)));
        changes.AddRange(articles.Where((_, i) => i % 5 == 1).Select(a => IndexChange.Upsert(a with
        {
            Title = a.Title + " (corrigé)",
            Tags = [.. a.Tags, "Robotique"],
            Body = "Mise à jour : robot et réseau. " + a.Body,
        })));
        changes.AddRange(Corpus(12, seed: 12, idPrefix: "n").Select(IndexChange.Upsert));
        Assert.True(await index.WaitVisibleAsync(index.Apply(changes), TimeSpan.FromSeconds(60)));

        var before = index.ShownHitStats;
        foreach (var request in Requests.Append(new SearchRequest { Query = "robot", Size = 50 }))
        {
            for (var attempt = 0; ; attempt++)
            {
                var version = index.Version();
                var kept = Answer(index, request);
                index.CacheAnswers = false;
                var fresh = Answer(index, request);
                index.CacheAnswers = true;
                if (index.Version() == version)
                {
                    Assert.Equal(fresh, kept);
                    break;
                }

                Assert.True(attempt < 50, "the index kept changing");
            }
        }

        Assert.True(index.ShownHitStats.Hits > before.Hits, "no hit came from the hit cache");
        Assert.Contains(index.Search(new SearchRequest { Query = "robot", Size = 50 }).Hits, h => h.Title.EndsWith("(corrigé)", StringComparison.Ordinal) && h.Snippet.StartsWith("Mise à jour : <mark>robot</mark>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenDeletionsTakeEveryKeptCandidate_TheSegmentIsScoredAgain()
    {
        var articles = Corpus(150, seed: 5);
        // The newest article does not match: deleting the newest matches leaves the recency boost's origin where it was.
        var index = Open([.. articles, TestIndex.Article("z", "Le plus récent", "Rien de tel ici.", "2031-01-01T10:00:00+01:00")]);
        var newestFirst = new SearchRequest { Query = "commun", Sort = SearchSort.Date, Size = 2 };
        Answer(index, newestFirst);

        // The kept tally holds the 2 + 64 newest; delete 80 of the newest.
        var newest = articles.OrderByDescending(a => a.PublishedAt).Take(80).Select(a => IndexChange.Delete(a.Id)).ToList();
        Assert.True(await index.WaitVisibleAsync(index.Apply(newest), TimeSpan.FromSeconds(60)));

        var before = index.Segments.Counts;
        var page = index.Search(newestFirst);
        AssertSameAnswer(index, newestFirst);
        Assert.Equal(70, page.Total);
        Assert.Equal(articles.OrderByDescending(a => a.PublishedAt).Skip(80).Take(2).Select(a => a.Id), page.Hits.Select(h => h.Id));
        Assert.True(index.Segments.Counts.Scored > before.Scored);
    }

    [Fact]
    public async Task Scores_StayThoseOfTheirStatisticsEpoch_UntilTheArticleCountHasChangedByTwoPercent()
    {
        var articles = Corpus(150, seed: 9);
        var index = Open(articles, StatisticsEpoch.DefaultDrift);
        var request = new SearchRequest { Query = "réseau", Size = 1 };
        var first = index.Search(request).Hits.Single();

        // Two articles more (1.3 %): same epoch, the same article scores the same.
        var more = Corpus(7, seed: 13, idPrefix: "m").Select(a => a with { Body = a.Body + " réseau réseau" }).ToList();
        Assert.True(await index.WaitVisibleAsync(index.Apply([.. more.Take(2).Select(IndexChange.Upsert)]), TimeSpan.FromSeconds(60)));
        Assert.Equal(first.Score, index.Search(request).Hits.Single(h => h.Id == first.Id).Score);

        // Five more (4.7 % in all): a new epoch reads the statistics again, and "réseau" is commoner now.
        Assert.True(await index.WaitVisibleAsync(index.Apply([.. more.Skip(2).Select(IndexChange.Upsert)]), TimeSpan.FromSeconds(60)));
        var now = index.Search(request with { Size = 50 }).Hits.Single(h => h.Id == first.Id);
        Assert.True(now.Score < first.Score, $"{now.Score} after the new epoch, {first.Score} before");
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
