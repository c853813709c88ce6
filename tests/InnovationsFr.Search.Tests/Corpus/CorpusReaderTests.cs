using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Corpus;

public class CorpusReaderTests
{
    private const string Good = """{"id":"a1","title":"Titre","body":"Texte","publishedAt":"2025-08-13T09:30:00+02:00","tags":["IA"]}""";

    [Theory]
    [InlineData("{not json", "invalid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"title":"Sans id","publishedAt":"2025-08-13T09:30:00+02:00"}""", "missing id")]
    [InlineData("""{"id":"x","publishedAt":"2025-08-13T09:30:00+02:00"}""", "missing title")]
    [InlineData("""{"id":"x","title":"T"}""", "missing publishedAt")]
    [InlineData("""{"id":"x","title":"T","publishedAt":"13/08/2025"}""", "bad date")]
    [InlineData("""{"id":"x","title":"T","publishedAt":"2025-08-13T09:30:00"}""", "bad date")]
    [InlineData("""{"id":"x","title":"T","publishedAt":"2025-08-13"}""", "bad date")]
    [InlineData("""{"id":42,"title":"T","publishedAt":"2025-08-13T09:30:00Z"}""", "'id' must be a string")]
    [InlineData("""{"id":"x","title":"T","publishedAt":"2025-08-13T09:30:00Z","tags":"IA"}""", "'tags' must be an array")]
    [InlineData("""{"id":"x","title":"T \ud800","publishedAt":"2025-08-13T09:30:00Z"}""", "not Unicode")]
    [InlineData("""{"id":"x","title":"T","publishedAt":"2025-08-13T09:30:00Z","tags":["\udc00a"]}""", "not Unicode")]
    public void Parse_BadRecord_SaysWhatIsWrong(string json, string expected)
    {
        var entry = CorpusReader.Parse("corpus.jsonl", 7, json);

        Assert.Null(entry.Article);
        Assert.Contains(expected, entry.Problem);
        Assert.Equal("corpus.jsonl:7", entry.Where);
    }

    [Fact]
    public void Parse_GoodRecord_FillsDefaults()
    {
        var entry = CorpusReader.Parse("c", 1, """{"id":" a1 ","title":"L'État et l'IA","publishedAt":"2025-08-13T09:30:00+02:00","tags":["IA"," ","!!"]}""");

        var article = Assert.IsType<Article>(entry.Article);
        Assert.Equal("a1", article.Id);
        Assert.Equal("l-etat-et-l-ia", article.Slug);
        Assert.Equal("/articles/l-etat-et-l-ia", article.Url);
        Assert.Equal(["IA"], article.Tags);
        Assert.Equal(TimeSpan.FromHours(2), article.PublishedAt.Offset);
    }

    [Fact]
    public void ReadAll_ReportsLineNumbers_AndSkipsBlankLines()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, [Good, "", "{broken", Good.Replace("a1", "a2", StringComparison.Ordinal)]);
        using var reader = new CorpusReader(path);

        var entries = reader.ReadAll().ToList();

        Assert.Equal([1, 3, 4], entries.Select(e => e.Line));
        Assert.NotNull(entries[1].Problem);
        Assert.Null(entries[2].Problem);
        File.Delete(path);
    }
}

public class HtmlTextTests
{
    [Fact]
    public void ToPlainText_DropsScriptsStylesCommentsAndTags_AndDecodesEntities()
    {
        var text = HtmlText.ToPlainText("<p>Bonjour&nbsp;l&rsquo;IA</p><script>alert(1)</script><style>p{}</style><!-- x --><ul><li>un</li><li>deux &amp; trois</li></ul>");

        Assert.Equal("Bonjour l’IA\n\nun\n\ndeux & trois", text);
    }

    [Theory]
    [InlineData("un\n\ndeux", "un\n\ndeux")]
    [InlineData("un\n\n\n deux", "un\n\ndeux")]
    [InlineData("  un \t deux\r\ntrois  ", "un deux\ntrois")]
    [InlineData("un\u0000deux", "un deux")]
    public void ToPlainText_KeepsParagraphBreaks_AndFoldsOtherRuns(string text, string expected)
    {
        var once = HtmlText.ToPlainText(text);

        Assert.Equal(expected, once);
        Assert.Equal(once, HtmlText.ToPlainText(once));
    }

    [Fact]
    public void ToPlainText_FoldsEveryRunOfSpaces_LikeTheRuleSaysIt()
    {
        // The rule spelled out plainly: a run of white space or control characters holding two line
        // breaks or more becomes "\n\n", one "\n", any other " "; runs at either end go.
        static string Rule(string text)
        {
            var folded = System.Text.RegularExpressions.Regex.Replace(text, @"[\s\p{Cc}]+", run =>
            {
                var breaks = run.Value.Count(c => c is '\n' or '\u2028' or '\u2029');
                return breaks >= 2 ? "\n\n" : breaks == 1 ? "\n" : " ";
            });
            return folded.Trim(' ', '\n');
        }

        var random = new Random(5);
        string[] pieces = ["mot", "é", "a", " ", " ", "\n", "\n", "\r", "\t", "\u00a0", "\u2028", "\u0001", "x"];
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));

            Assert.True(Rule(text) == HtmlText.ToPlainText(text), $"\"{System.Text.RegularExpressions.Regex.Escape(text)}\"");
        }
    }

    [Fact]
    public void ToPlainText_LeavesPlainTextComparisonsAlone()
    {
        Assert.Equal("si a < b et c > d", HtmlText.ToPlainText("si a < b   et c > d"));
    }
}
