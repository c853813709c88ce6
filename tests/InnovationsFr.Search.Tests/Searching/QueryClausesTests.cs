using System.Text.Json;
using InnovationsFr.Search;
using Lucene.Net.Index;

namespace InnovationsFr.Search.Tests.Searching;

/// <summary>
/// The pruned search (matches from postings, MaxScore ranking) answers exactly what scoring every
/// match answers — totals, facets, hits, scores, cursors — and it does skip work.
/// </summary>
public sealed class QueryClausesTests : IDisposable
{
    private static readonly string[] Words = ["réseau", "batterie", "satellite", "processeur", "données", "robot", "capteur", "fusée", "puce", "algorithme", "énergie", "lancement", "orbite", "silicium"];
    private static readonly string[] TagPool = ["IA", "Espace", "Énergie", "Cybersécurité", "Semi-conducteurs", "Robotique"];
    private static readonly string[] Rubrics = ["Tech > IA", "Tech > Espace", "Science"];

    private readonly string _synonyms = Path.Combine(Path.GetTempPath(), "ifr-tests", Guid.NewGuid().ToString("N") + ".txt");
    private readonly TestIndex _index;

    public QueryClausesTests()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_synonyms)!);
        File.WriteAllText(_synonyms, "fusée, lanceur spatial\nrobot, automate\n");
        var random = new Random(11);
        var start = new DateTimeOffset(2023, 1, 1, 9, 0, 0, TimeSpan.FromHours(1));
        // Skewed word frequencies and lengths from 3 to 120 words: BM25 scores spread, some words are
        // common (their clauses stop leading once the page fills), some rare; every body says "commun".
        var articles = Enumerable.Range(0, 3_000).Select(i =>
        {
            var words = Enumerable.Range(0, 3 + random.Next(random.Next(2) == 0 ? 10 : 120))
                .Select(_ => Words[Math.Min(Words.Length - 1, (int)(Words.Length * Math.Pow(random.NextDouble(), 2.5)))]);
            return TestIndex.Article(
                $"a{i}",
                $"{Words[random.Next(Words.Length)]} et {Words[random.Next(Words.Length)]}",
                "Un texte commun sur " + string.Join(' ', words) + (i % 50 == 0 ? " lanceur spatial et automate." : "."),
                start.AddHours(i * 11 + random.Next(10)).ToString("O"),
                Rubrics[random.Next(Rubrics.Length)],
                tags: TagPool.Where(_ => random.Next(3) == 0).ToArray());
        });
        _index = new TestIndex(articles, new SynonymFile(_synonyms));
        _index.Index.CacheAnswers = false;
    }

    public static TheoryData<string> Queries => new()
    {
        "réseau",
        "batterie satellite",
        "robot capteur puce énergie orbite",
        "silicium orbite lancement",
        "\"lancement de fusée\" données",
        "réseau -processeur",
        "fusée robot",
        "algoritme silicum",
        "commun réseau batterie satellite processeur données robot",
        "\"robot robot\"",
        "\"sur réseau\" \"orbite silicium\"",
        "\"texte commun\"",
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void PrunedSearch_AnswersWhatScoringEveryMatchAnswers(string text)
    {
        var since = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        SearchRequest[] requests =
        [
            new() { Query = text, Size = 1 },
            new() { Query = text },
            new() { Query = text, Size = 100, FacetLimit = 0 },
            new() { Query = text, Page = 3, Size = 7 },
            new() { Query = text, Tags = ["IA"] },
            new() { Query = text, Tags = ["IA", "Espace"], TagMode = TagMode.Any, Histogram = DateInterval.Month },
            new() { Query = text, Rubric = "Tech", From = since },
            new() { Query = text, Sort = SearchSort.Date, Size = 15 },
            new() { Query = text, Suggest = false, TypoTolerance = false, Size = 50 },
        ];
        foreach (var request in requests)
        {
            var (pruned, everyMatch) = Both(request);
            Assert.Equal(everyMatch, pruned);
        }

        // Not two empty answers: every query finds articles.
        Assert.NotEmpty(_index.Index.Search(new SearchRequest { Query = text }).Hits);

        // Paging on with the cursor gives the same pages both ways.
        var first = _index.Index.Search(new SearchRequest { Query = text, Size = 5 });
        if (first.NextCursor is { } cursor)
        {
            var (pruned, everyMatch) = Both(new SearchRequest { Query = text, Size = 5, Cursor = cursor });
            Assert.Equal(everyMatch, pruned);
        }
    }

    [Fact]
    public void TopTen_OfACommonWordScoresFewerDocumentsThanItMatches()
    {
        using var lease = Lease();
        var query = QueryFactory.Build(UserQuery.Parse("commun réseau silicium"))!;
        var plan = new FacetPlan(10, ByDate: false, NewestDay: 20_000, [], AllTags: true, null, null, null, CountFacets: false);
        // Twice: the first search learns the clauses' bounds, the second uses them.
        FacetedCollector collector = null!;
        for (var run = 0; run < 2; run++)
        {
            collector = new FacetedCollector(plan);
            new SegmentSearch { MinKeptSegmentDocs = int.MaxValue }.Run(lease.Searcher, query, collector);
        }

        Assert.Equal(3_000, collector.TotalHits);
        Assert.InRange(collector.ScoredCount, 10, 1_500);

        var everyMatch = new FacetedCollector(plan);
        new SegmentSearch { Pruning = false }.Run(lease.Searcher, query, everyMatch);
        Assert.Equal(everyMatch.ScoredCount, everyMatch.TotalHits);
        Assert.Equal(everyMatch.Hits(0, 10).Select(h => (h.Doc, h.Score)), collector.Hits(0, 10).Select(h => (h.Doc, h.Score)));
    }

    [Theory]
    [InlineData("\"lancement de fusée\" données")]
    [InlineData("\"sur réseau\" \"orbite silicium\"")]
    [InlineData("\"texte commun\" -robot")]
    public async Task PhrasesMatchedOnEveryCore_AnswerWhatOneThreadAnswers(string text)
    {
        // Live writes: a second segment, and deletions in the first.
        using var index = new SearchIndex(_index.Folder, new SynonymFile(_synonyms)) { AcceptsWrites = true, CacheAnswers = false, RefreshEvery = TimeSpan.FromMilliseconds(50) };
        index.Open();
        var changes = Enumerable.Range(0, 3_000).Where(i => i % 13 == 0).Select(i => IndexChange.Delete($"a{i}")).ToList();
        changes.AddRange(Enumerable.Range(0, 40).Select(i => IndexChange.Upsert(TestIndex.Article(
            $"n{i}", $"Lancement de fusée {i}", $"Un texte commun sur réseau et orbite silicium, données du lancement de fusée {i}.", "2024-03-01T10:00:00+01:00", "Tech > Espace", tags: ["IA"]))));
        Assert.True(await index.WaitVisibleAsync(index.Apply(changes), TimeSpan.FromSeconds(60)));
        using (var lease = index.BorrowForTests())
        {
            Assert.True(lease.Searcher.IndexReader.Leaves.Count > 1, "the index has one segment: nothing to match in parallel");
        }

        var since = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        SearchRequest[] requests =
        [
            new() { Query = text },
            new() { Query = text, Size = 100, FacetLimit = 0 },
            new() { Query = text, Tags = ["IA"], Rubric = "Tech", From = since },
            new() { Query = text, Sort = SearchSort.Date, Size = 15 },
        ];
        foreach (var request in requests)
        {
            index.Segments = new SegmentSearch { Pruning = false, MinKeptSegmentDocs = int.MaxValue };
            var oneThread = Answer(index.Search(request));
            // Segments matched ahead among their live documents, and (kept tallies) among all of them.
            foreach (var kept in new[] { int.MaxValue, 0 })
            {
                var parallel = new SegmentSearch { ParallelPhraseWork = 0, MinKeptSegmentDocs = kept };
                index.Segments = parallel;
                Assert.Equal(oneThread, Answer(index.Search(request)));
                Assert.Equal(1, parallel.MatchedAhead);
            }
        }
    }

    /// <summary>The same request answered with pruning and with every match scored, on one reader, as JSON less the timing.</summary>
    private (string Pruned, string EveryMatch) Both(SearchRequest request)
    {
        var index = _index.Index;
        index.Segments = new SegmentSearch { MinKeptSegmentDocs = int.MaxValue };
        // Twice pruned: the first search learns bounds, the second prunes with them.
        _ = Answer(index.Search(request));
        var pruned = Answer(index.Search(request));
        index.Segments = new SegmentSearch { Pruning = false, MinKeptSegmentDocs = int.MaxValue };
        var everyMatch = Answer(index.Search(request));
        return (pruned, everyMatch);
    }

    private static string Answer(SearchPage page) => JsonSerializer.Serialize(page with { TookMs = 0 });

    private SearcherLease Lease() => _index.Index.BorrowForTests();

    public void Dispose()
    {
        _index.Dispose();
        File.Delete(_synonyms);
    }
}
