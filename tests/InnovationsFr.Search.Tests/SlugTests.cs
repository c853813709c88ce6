using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests;

public class SlugTests
{
    [Theory]
    [InlineData("IA générative", "ia-generative")]
    [InlineData("ia generative", "ia-generative")]
    [InlineData("IA Générative", "ia-generative")]
    [InlineData("  Cœur  d'État  ", "coeur-d-etat")]
    [InlineData("Chine OMC Droits douane", "chine-omc-droits-douane")]
    [InlineData("!!!", "")]
    public void From_FoldsCaseAccentsAndPunctuation(string text, string expected)
    {
        Assert.Equal(expected, Slug.From(text));
    }
}
