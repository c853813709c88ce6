using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Caching;

public sealed class ResultCacheTests
{
    [Fact]
    public async Task A_repeated_search_is_served_from_the_cache_until_a_new_generation_opens()
    {
        using var index = new TestIndex([TestIndex.Article("a", "Le satellite européen", "Un satellite.")]);

        var first = index.Index.Search(new SearchRequest { Query = "satellite" });
        var second = index.Index.Search(new SearchRequest { Query = "satellite" });
        index.Index.Search(new SearchRequest { Query = "satellite", Page = 2 });

        Assert.Equal(first.Hits.Select(h => h.Id), second.Hits.Select(h => h.Id));
        Assert.Equal((1L, 2L), index.Index.CacheStats);

        // A new generation: the same request is answered afresh.
        TestIndex.WriteCorpus(index.CorpusPath, [TestIndex.Article("a", "Le satellite européen", "Un satellite."), TestIndex.Article("b", "Un autre satellite", "Satellite.")]);
        Assert.Equal(BuildOutcome.Published, (await IndexBuilder.BuildAsync(index.Folder, [index.CorpusPath])).Outcome);
        index.Index.Open();
        Assert.Equal(2, index.Index.Search(new SearchRequest { Query = "satellite" }).Total);
    }

    [Fact]
    public void The_cache_keeps_only_the_most_recently_used_answers()
    {
        var cache = new ResultCache<string>(2);
        var computed = 0;
        string Compute() => (++computed).ToString(System.Globalization.CultureInfo.InvariantCulture);

        cache.GetOrAdd("a", Compute);
        cache.GetOrAdd("b", Compute);
        cache.GetOrAdd("a", Compute); // a is now the most recent
        cache.GetOrAdd("c", Compute); // evicts b
        cache.GetOrAdd("a", Compute);
        cache.GetOrAdd("b", Compute); // computed again

        Assert.Equal(4, computed);
        Assert.Equal(2, cache.Hits);
    }
}
