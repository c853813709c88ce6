using InnovationsFr.Search;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search.Tests.Assistance;

/// <summary>Autocomplete's newest titles, read from postings and cached dates, are the ones Lucene's sort by date gives.</summary>
public sealed class NewestTitlesTests : IDisposable
{
    private static readonly string[] Words = ["voiture", "électrique", "batterie", "usine", "robot", "satellite", "réseau", "intelligence", "artificielle", "puce"];

    private readonly TestIndex _index;

    public NewestTitlesTests()
    {
        var random = new Random(5);
        // Few distinct instants: many titles share one, so the tie order is checked too.
        _index = new TestIndex(Enumerable.Range(0, 1_500).Select(i => TestIndex.Article(
            $"t{i}",
            string.Join(' ', random.GetItems(Words, 2 + random.Next(4))),
            "Un texte.",
            new DateTimeOffset(2025, 1, 1 + random.Next(20), 10, 0, 0, TimeSpan.Zero).ToString("O"))));
    }

    [Theory]
    [InlineData("voiture")]
    [InlineData("voiture élec")]
    [InlineData("robot satellite")]
    [InlineData("intelligence artificielle puce")]
    [InlineData("bat")]
    [InlineData("usine inconnu")]
    public void NewestTitles_AreLucenesNewestFirstSort(string typed)
    {
        var words = typed.Split(' ');
        var completions = Words.Where(w => Vocabulary.Fold(w).StartsWith(Vocabulary.Fold(words[^1]), StringComparison.Ordinal)).ToList();
        var clauses = Completions.TitleClauses(words, completingWord: true, completions);
        using var lease = _index.Index.BorrowForTests();
        var query = new BooleanQuery();
        foreach (var clause in clauses)
        {
            var any = new BooleanQuery();
            foreach (var term in clause)
            {
                any.Add(new TermQuery(new Term(ArticleDocument.Title, term)), Occur.SHOULD);
            }

            query.Add(any, Occur.MUST);
        }

        var newest = new Sort(new SortField(ArticleDocument.Published, SortFieldType.INT64, reverse: true));
        foreach (var count in new[] { 1, 3, 40 })
        {
            var expected = lease.Searcher.Search(query, null, count, newest).ScoreDocs.Select(d => d.Doc).ToList();
            Assert.Equal(expected, Completions.NewestTitles(lease.Searcher.IndexReader, clauses, count));
            if (typed != "usine inconnu")
            {
                Assert.NotEmpty(expected);
            }
        }
    }

    public void Dispose() => _index.Dispose();
}
