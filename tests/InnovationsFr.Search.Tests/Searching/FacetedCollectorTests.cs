using InnovationsFr.Search;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace InnovationsFr.Search.Tests.Searching;

/// <summary>Our one-pass collector ranks what Lucene's own TopScoreDocCollector ranks, with the same scores, when no recency or filter applies.</summary>
public sealed class FacetedCollectorTests : IDisposable
{
    private static readonly string[] Words = ["réseau", "batterie", "satellite", "processeur", "données", "robot", "capteur", "fusée", "puce", "algorithme", "énergie", "lancement"];

    private readonly TestIndex _index;

    public FacetedCollectorTests()
    {
        var random = new Random(7);
        // Lengths and word counts differ, so BM25 scores spread; some articles are copies (equal scores: ties).
        var articles = Enumerable.Range(0, 400).Select(i =>
        {
            var count = 2 + random.Next(40);
            var words = i % 37 == 0 ? new Random(0).GetItems(Words, 12) : new Random(i).GetItems(Words, count);
            return TestIndex.Article($"a{i:D3}", $"{words[0]} et {words[1]}", string.Join(' ', words) + ".");
        });
        _index = new TestIndex(articles);
    }

    [Theory]
    [InlineData("batterie")]
    [InlineData("batterie satellite")]
    [InlineData("robot capteur puce énergie")]
    [InlineData("\"lancement de fusée\" données")]
    [InlineData("réseau -processeur")]
    [InlineData("algorithmes rapides")]
    public void TopHitsAndScores_MatchLucenesTopScoreDocCollector(string text)
    {
        var query = QueryFactory.Build(UserQuery.Parse(text))!;
        using var reader = DirectoryReader.Open(new MappedDirectory(_index.Folder.CurrentGeneration!));
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        foreach (var k in new[] { 1, 10, 100 })
        {
            // Out of order like ours, so both get the same scorer (a bulk scorer for pure SHOULD queries).
            var lucene = TopScoreDocCollector.Create(k, docsScoredInOrder: false);
            searcher.Search(query, lucene);
            var expected = lucene.GetTopDocs();
            // Ages beyond the recency window: every article's boost is 1, so ranks are the scores.
            var ours = new FacetedCollector(new FacetPlan(k, ByDate: false, NewestDay: 1_000_000, [], AllTags: true, null, null, null, CountFacets: false));
            searcher.Search(query, ours);

            Assert.Equal(expected.TotalHits, ours.TotalHits);
            var hits = ours.Hits(0, k);
            Assert.Equal(expected.ScoreDocs.Select(d => d.Doc), hits.Select(d => d.Doc));
            Assert.Equal(expected.ScoreDocs.Select(d => d.Score), hits.Select(d => d.Score));
        }
    }

    public void Dispose() => _index.Dispose();
}
