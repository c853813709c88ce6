using System.Text;
using System.Text.RegularExpressions;
using InnovationsFr.Search;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace InnovationsFr.Search.Tests.Searching;

/// <summary>Our one-pass snippets mark what Lucene's Highlighter marks, over the same French analysis.</summary>
public sealed partial class SnippetsTests
{
    private static readonly string[] Pieces =
    [
        "l'intelligence artificielle", "L’État", "d'OpenAI", "les États-Unis", "une start-up", "des voitures électriques",
        "la batterie", "les batteries", "qu'un satellite", "5G", "<script>", "R&D", "\"guillemets\"", "l’Europe",
        "chevaux", "cœur", "du réseau", "au Japon", "puces", "la puce", "générative", "génératif", "Ça", "etats-unis",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Titles_MarkTheWordsLucenesHighlighterMarks_AndEscapeTheSameText(int seed)
    {
        var random = new Random(seed);
        var marks = 0;
        for (var round = 0; round < 50; round++)
        {
            var used = random.GetItems(Pieces, 3 + random.Next(8));
            var title = string.Join(random.Next(4) == 0 ? ", " : " ", used);
            // Terms: the stems of a piece of the title and of any piece, as a query's would be.
            var terms = random.GetItems(used, 1).Concat(random.GetItems(Pieces, random.Next(3))).SelectMany(FrenchAnalysis.Tokens).ToHashSet(StringComparer.Ordinal);

            var ours = Snippets.Title(terms, title);
            var lucene = LuceneHighlight(terms, title);

            Assert.Equal(Marked(lucene).Select(WithoutElision), Marked(ours));
            marks += Marked(ours).Count;
            Assert.Equal(Regex.Replace(lucene, "</?mark>", ""), Regex.Replace(ours, "</?mark>", ""));
        }

        Assert.True(marks >= 50, $"only {marks} marks in 50 titles: the comparison says little");
    }

    private static string LuceneHighlight(HashSet<string> terms, string text)
    {
        var query = new BooleanQuery();
        foreach (var term in terms)
        {
            query.Add(new TermQuery(new Term(ArticleDocument.Body, term)), Occur.SHOULD);
        }

        var highlighter = new Highlighter(new SimpleHTMLFormatter("<mark>", "</mark>"), new MinimalEncoder(), new QueryScorer(query, ArticleDocument.Body))
        {
            TextFragmenter = new NullFragmenter(),
        };
        return highlighter.GetBestFragment(FrenchAnalysis.Stemmed, ArticleDocument.Body, text) ?? Snippets.Escape(text);
    }

    private static List<string> Marked(string html) => MarkRegex().Matches(html).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Lucene marks the whole token "l'État"; ours leaves the elided article outside the mark.</summary>
    private static string WithoutElision(string marked)
    {
        var apostrophe = marked.IndexOfAny(['\'', '’']);
        var escaped = marked.IndexOf("&#39;", StringComparison.Ordinal);
        return escaped >= 0 && escaped < marked.Length - 5 ? marked[(escaped + 5)..]
            : apostrophe >= 0 && apostrophe < marked.Length - 1 ? marked[(apostrophe + 1)..]
            : marked;
    }

    [GeneratedRegex("<mark>(.*?)</mark>")]
    private static partial Regex MarkRegex();

    /// <summary>Escapes what ours escapes (&amp; &lt; &gt; " '), in the same way, and nothing else (French letters stay letters).</summary>
    private sealed class MinimalEncoder : IEncoder
    {
        public string EncodeText(string originalText) => Snippets.Escape(originalText);
    }
}
