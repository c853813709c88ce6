using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Tags;

public class TagDuplicatesTests
{
    private static string ShippedCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
            {
                return Path.Combine(dir.FullName, "corpus", "articles.jsonl");
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Report_OnTheShippedCorpusWithoutAliases_FindsThePlantedVariantsFoldingMisses()
    {
        using var reader = new CorpusReader(ShippedCorpus());
        using var index = new TestIndex(reader.ReadAll().Select(e => e.Article!));

        var groups = index.Index.TagDuplicates(200);

        // Compared by folded key: the elected label of "startup" may be "start-up".
        bool Together(params string[] slugs) => groups.Any(g => slugs.All(s => g.Tags.Any(t => TagAliases.Fold(t.Slug) == TagAliases.Fold(s))));
        Assert.True(Together("startup", "startups"), "plural");
        Assert.True(Together("vehicules-electriques", "vehicule-electrique"), "plural of a two-word tag");
        Assert.True(Together("fintech", "fintechs"), "plural");
        Assert.True(Together("accelerateur-startup", "accelerateur-startups"), "plural inside a tag");
        Assert.True(Together("intelligence-artificielle", "ia"), "abbreviation");
        Assert.False(Together("4g", "5g"));
    }

    [Theory]
    [InlineData("cybersecurite", "cybersecuirte", 1)]
    [InlineData("semiconducteurs", "semiconducteur", 1)]
    [InlineData("abc", "abc", 0)]
    [InlineData("gigafactory", "gigafactories", 3)]
    public void DamerauLevenshtein_CountsTranspositionsAsOneEdit(string a, string b, int expected)
    {
        Assert.Equal(expected, TagDuplicates.DamerauLevenshtein(a, b, 2));
    }
}
