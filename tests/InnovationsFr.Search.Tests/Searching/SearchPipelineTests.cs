using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Searching;

/// <summary>A search request reads one searcher from start to end, and analyses the reader's words once.</summary>
public sealed class SearchPipelineTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-pipeline-tests", Guid.NewGuid().ToString("N"));
    private SearchIndex? _index;

    /// <summary>Twelve articles on one subject, each more about it than the next (ranks differ).</summary>
    private SearchIndex OpenWritable()
    {
        Directory.CreateDirectory(_root);
        var corpus = Path.Combine(_root, "corpus.jsonl");
        TestIndex.WriteCorpus(corpus, Enumerable.Range(0, 12).Select(i => TestIndex.Article(
            $"s{i:D2}",
            $"Le stockage numéro {i}",
            string.Join(' ', Enumerable.Repeat("Le stockage d'énergie progresse.", 1 + i)) + " Un texte de remplissage." + string.Concat(Enumerable.Repeat(" Autre chose.", 12 - i)))));
        var folder = new IndexFolder(Path.Combine(_root, "index"));
        Assert.Equal(BuildOutcome.Published, IndexBuilder.BuildAsync(folder, [corpus]).GetAwaiter().GetResult().Outcome);
        _index = new SearchIndex(folder) { AcceptsWrites = true, RefreshEvery = TimeSpan.FromMilliseconds(20) };
        _index.Open();
        return _index;
    }

    [Fact]
    public void A_cursor_names_the_searcher_that_ranked_its_page_so_a_change_under_it_expires_the_cursor_instead_of_skipping_a_hit()
    {
        var index = OpenWritable();
        var request = new SearchRequest { Query = "stockage énergie", Size = 5, FacetLimit = 0 };
        var first = index.Search(request);
        Assert.NotNull(first.NextCursor);

        // The index changes between ranking page 1 and writing its cursor: a new article that ranks
        // first. A cursor stamped with the version served after the change would be accepted on
        // the next page and the new article would never be shown, though it belongs on page 1.
        var changed = false;
        index.PageComputed = () =>
        {
            if (changed)
            {
                return;
            }

            changed = true;
            var sequence = index.Apply([IndexChange.Upsert(TestIndex.Article("top", "Le stockage d'énergie, le stockage d'énergie", string.Join(' ', Enumerable.Repeat("Stockage d'énergie.", 40))))]);
            Assert.True(index.WaitVisibleAsync(sequence, TimeSpan.FromSeconds(60)).GetAwaiter().GetResult());
        };
        var page = index.Search(request with { Page = 1, Query = "stockage énergie ", Size = 5 });
        index.PageComputed = null;
        Assert.True(changed);
        Assert.NotNull(page.NextCursor);

        var error = Assert.Throws<InvalidCursorException>(() => index.Search(request with { Cursor = page.NextCursor }));
        Assert.Contains("expired", error.Message);
        // Starting again shows the new article first.
        Assert.Equal("top", index.Search(request).Hits[0].Id);
    }

    [Fact]
    public void A_search_analyses_each_word_of_the_query_once_per_chain()
    {
        var synonyms = Path.Combine(_root, "synonyms.txt");
        Directory.CreateDirectory(_root);
        File.WriteAllText(synonyms, "IA, intelligence artificielle\n");
        using var index = new TestIndex(
            [
                TestIndex.Article("a", "L'intelligence artificielle générative", "Les modèles de langage génératifs."),
                TestIndex.Article("b", "Les batteries solides", "Une autonomie doublée pour les voitures."),
            ],
            new SynonymFile(synonyms));
        index.Index.CacheAnswers = false;
        // The index's vocabulary is analysed on first use: not the query's work.
        index.Index.Search(new SearchRequest { Query = "batteries solids" });

        FrenchAnalysis.Trace = [];
        try
        {
            // Words that exercise every step: synonyms, a typo (fuzzy retry, "did you mean"), an
            // elision, an exclusion and a phrase.
            var page = index.Index.Search(new SearchRequest { Query = "l'inteligence artificielle générativ \"modèles de langage\" -batteries" });

            Assert.Contains("a", page.Hits.Select(h => h.Id));
            var twice = FrenchAnalysis.Trace
                .GroupBy(t => t)
                .Where(g => g.Count() > 1)
                .Select(g => $"{(g.Key.Stemmed ? "stemmed" : "exact")} '{g.Key.Text}' ×{g.Count()}")
                .ToList();
            Assert.True(twice.Count == 0, "analysed more than once: " + string.Join(", ", twice));
        }
        finally
        {
            FrenchAnalysis.Trace = null;
        }
    }

    public void Dispose()
    {
        _index?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
