using InnovationsFr.Search;
using static InnovationsFr.Search.Tests.TestIndex;

namespace InnovationsFr.Search.Tests.Tags;

public class TagAliasesTests
{
    [Theory]
    [InlineData("IA générative", "ia generative")]
    [InlineData("IA Générative", "IA-generative")]
    [InlineData("start-up", "Startup")]
    [InlineData("Hauts-de-France", "hauts de france")]
    [InlineData("États-Unis", "etats unis")]
    public void Fold_MergesSpellingsThatDifferByCaseAccentsSpacingOrHyphens(string a, string b)
    {
        Assert.Equal(TagAliases.Fold(a), TagAliases.Fold(b));
    }

    [Fact]
    public void Key_ResolvesAliasesAndTheirChains()
    {
        var aliases = TagAliases.Parse("""
            # comment
            startups => startup
            IA => Intelligence artificielle
            AI => IA
            """);

        Assert.Equal("startup", aliases.Key("Start-ups"));
        Assert.Equal("intelligenceartificielle", aliases.Key("ia"));
        Assert.Equal("intelligenceartificielle", aliases.Key("AI"));
        Assert.Equal("Intelligence artificielle", aliases.CanonicalLabel("intelligenceartificielle"));
        Assert.Equal("cloud", aliases.Key("Cloud"));
    }

    [Fact]
    public void Parse_BadLine_NamesIt()
    {
        var error = Assert.Throws<FormatException>(() => TagAliases.Parse("a => b\nnot an alias\n", "aliases.txt"));

        Assert.Contains("aliases.txt:2", error.Message);
    }

    [Fact]
    public async Task Index_WithAliases_FiltersAndCountsVariantsAsOneTag_UnderTheEditorsLabel()
    {
        using var index = new TestIndex([
            Article("a", "Un", "texte", tags: ["IA"]),
            Article("b", "Deux", "texte", tags: ["intelligence artificielle"]),
            Article("c", "Trois", "texte", tags: ["Intelligence Artificielle", "IA"]),
            Article("d", "Quatre", "texte", tags: ["startups"]),
        ]);
        var report = await IndexBuilder.BuildAsync(index.Folder, [index.CorpusPath], new BuildOptions
        {
            TagAliases = TagAliases.Parse("IA => Intelligence artificielle\nstartups => startup"),
        });
        Assert.Equal(BuildOutcome.Published, report.Outcome);
        index.Index.Open();

        var byAlias = index.Ids(null, r => r with { Tags = ["IA"] }).Order();
        var page = index.Index.Search(new SearchRequest());

        Assert.Equal(["a", "b", "c"], byAlias);
        var ai = page.Tags.Single(t => t.Label == "Intelligence artificielle");
        Assert.Equal(3, ai.Count);
        Assert.Equal("intelligence-artificielle", ai.Slug);
        Assert.Equal("startup", page.Tags.Single(t => t.Count == 1).Slug);
        Assert.Equal(["d"], index.Ids(null, r => r with { Tags = ["start-up"] }));
    }
}
