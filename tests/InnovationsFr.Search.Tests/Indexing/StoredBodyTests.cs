using InnovationsFr.Search;
using Lucene.Net.Index;

namespace InnovationsFr.Search.Tests.Indexing;

/// <summary>An article's body is stored once where it can be, and reads back as given, searched and shown as text.</summary>
public sealed class StoredBodyTests : IDisposable
{
    private const string Spaced = "Les batteries  solides\r\n\r\n\r\narrivent   enfin.\tUn texte espacé.";
    private const string Html = "<p>Les batteries <strong>solides</strong> arrivent&nbsp;:</p><p>un texte balisé.</p>";
    private const string Plain = "Les batteries solides arrivent.\nUn texte simple.";

    private readonly TestIndex _index = new(
    [
        TestIndex.Article("spaced", "Espacé", Spaced),
        TestIndex.Article("html", "Balisé", Html),
        TestIndex.Article("plain", "Simple", Plain),
    ]);

    [Fact]
    public void EachBody_IsStoredOnce_UnlessItIsHtml()
    {
        using var reader = DirectoryReader.Open(new MappedDirectory(_index.Folder.CurrentGeneration!));
        var stored = Enumerable.Range(0, reader.MaxDoc).Select(reader.Document).ToDictionary(d => d.Get("id"));

        // Plain text whose spaces fold: only the source (the text indexed is the same, folded).
        Assert.Null(stored["spaced"].Get("body"));
        Assert.Equal(Spaced, stored["spaced"].Get("body_source"));
        // Plain text with nothing to fold: only the text.
        Assert.Equal(Plain, stored["plain"].Get("body"));
        Assert.Null(stored["plain"].Get("body_source"));
        // HTML: the text for snippets and the source for the article.
        Assert.Equal(HtmlText.ToPlainText(Html), stored["html"].Get("body"));
        Assert.Equal(Html, stored["html"].Get("body_source"));
    }

    [Theory]
    [InlineData("spaced", Spaced, "espacé")]
    [InlineData("html", Html, "balisé")]
    [InlineData("plain", Plain, "simple")]
    public void EachBody_ReadsBackAsGiven_AndIsSearchedAndShownAsText(string id, string body, string word)
    {
        Assert.Equal(body, _index.Index.GetArticle(id)!.Body);

        var hit = _index.Index.Search(new SearchRequest { Query = word }).Hits.Single();

        Assert.Equal(id, hit.Id);
        Assert.Contains($"<mark>{word}</mark>", hit.Snippet);
        Assert.DoesNotContain("<p>", hit.Snippet);
        // The snippet of the text as indexed (spaces folded, markup gone), whichever way it was stored.
        Assert.Equal(Snippets.Body(FrenchAnalysis.Tokens(word).ToHashSet(), null, HtmlText.ToPlainText(body)), hit.Snippet);
    }

    public void Dispose() => _index.Dispose();
}
