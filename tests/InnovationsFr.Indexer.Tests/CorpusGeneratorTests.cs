using System.Text;
using InnovationsFr.Search;

namespace InnovationsFr.Indexer.Tests;

public class CorpusGeneratorTests
{
    private static string Generate(int seed, int count)
    {
        using var stream = new MemoryStream();
        new CorpusGenerator(seed).Write(stream, count);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Generate_SameSeed_SameBytes_OtherSeed_OtherText()
    {
        var a = Generate(7, 30);
        var b = Generate(7, 30);
        var c = Generate(8, 30);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Generate_WritesValidFrenchArticlesInTheCorpusFormat()
    {
        var lines = Generate(42, 300).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var entries = lines.Select((line, i) => CorpusReader.Parse("gen", i + 1, line)).ToList();

        Assert.Equal(300, entries.Count);
        Assert.All(entries, e => Assert.Null(e.Problem));
        var articles = entries.Select(e => e.Article!).ToList();
        Assert.Equal(300, articles.Select(a => a.Id).Distinct().Count());
        Assert.All(articles, a => Assert.InRange(a.Body.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length, CorpusGenerator.MinBodyWords, CorpusGenerator.MaxBodyWords + 60));
        Assert.All(articles, a => Assert.InRange(a.Tags.Count, 3, 12));
        Assert.All(articles, a => Assert.InRange(a.PublishedAt.Year, 2016, 2026));
        Assert.True(articles.Select(a => a.PublishedAt.Year).Distinct().Count() >= 8);
        Assert.True(articles.Select(a => a.Rubric).Distinct().Count() >= 6);
        // French words from the shipped vocabulary, not lorem ipsum.
        Assert.Contains(articles, a => a.Body.Contains("l'entreprise", StringComparison.Ordinal));
        Assert.DoesNotContain(articles, a => a.Body.Contains("lorem", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Generate_TagsFollowZipf_AndComeWithMessyVariants()
    {
        var articles = Generate(3, 2000).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => CorpusReader.Parse("gen", 1, line).Article!).ToList();

        var bySlug = articles.SelectMany(a => a.Tags).GroupBy(Slug.From).OrderByDescending(g => g.Count()).ToList();
        var spellings = articles.SelectMany(a => a.Tags).GroupBy(t => Slug.From(t.TrimEnd('s'))).Max(g => g.Distinct().Count());

        Assert.True(bySlug[0].Count() > 5 * bySlug[20].Count(), "the most used tag should dwarf the 21st");
        Assert.True(spellings >= 3, "a tag should appear in several spellings");
    }
}
