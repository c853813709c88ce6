using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Api.Tests;

public class TagCountsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static IReadOnlyList<Article> ShippedArticles() => File.ReadLines(ApiFactory.ShippedCorpus)
        .Select((line, i) => CorpusReader.Parse("corpus", i + 1, line).Article!)
        .ToList();

    [Fact]
    public async Task SpellingVariants_CountAsOneTag()
    {
        // The shipped corpus spells it "IA générative", "IA Générative", "IA generative", "ia generative".
        var expected = ShippedArticles().Count(a => a.Tags.Any(t => TagAliases.Fold(t) == "iagenerative"));
        var spellings = ShippedArticles().SelectMany(a => a.Tags).Where(t => TagAliases.Fold(t) == "iagenerative").Distinct().Count();
        var client = await factory.ReadyClientAsync();

        var page = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?size=1", UriKind.Relative))).RootElement;

        Assert.True(spellings >= 3, "the corpus should plant several spellings");
        var tag = page.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("slug").GetString() == "ia-generative");
        Assert.Equal(expected, tag.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task FilteringByAnAlias_FindsTheCanonicalTagsArticles()
    {
        var client = await factory.ReadyClientAsync();

        var byAlias = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?tag=Pentagone&size=100", UriKind.Relative))).RootElement;
        var byCanonical = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?tag=d%C3%A9partement-de-la-d%C3%A9fense&size=100", UriKind.Relative))).RootElement;

        var expected = ShippedArticles().Count(a => a.Tags.Any(t => TagAliases.Fold(t) is "pentagone" or "dod" or "departementdeladefense"));
        Assert.Equal(expected, byAlias.GetProperty("total").GetInt32());
        Assert.Equal(expected, byCanonical.GetProperty("total").GetInt32());
    }
}
