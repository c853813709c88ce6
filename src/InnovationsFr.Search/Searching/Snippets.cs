using System.Net;
using System.Text;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace InnovationsFr.Search;

/// <summary>
/// Highlighted, HTML-escaped fragments: matches wrapped in &lt;mark&gt;, everything else escaped
/// (only &amp; &lt; &gt; " ' — French letters stay letters), with an escaped fallback when nothing matches.
/// </summary>
internal static class Snippets
{
    public const int FragmentChars = 160;
    public const int MaxFragments = 2;
    public const int FallbackChars = 220;
    private const int MaxCharsToAnalyze = 50_000;

    public static string Title(Query? query, string title)
    {
        if (query != null)
        {
            var highlighter = new Highlighter(Formatter, MinimalHtmlEncoder.Instance, new QueryScorer(query, ArticleDocument.Title))
            {
                TextFragmenter = new NullFragmenter(),
                MaxDocCharsToAnalyze = MaxCharsToAnalyze,
            };
            var fragment = highlighter.GetBestFragment(FrenchAnalysis.Stemmed, ArticleDocument.Title, title);
            if (!string.IsNullOrEmpty(fragment))
            {
                return fragment;
            }
        }

        return MinimalHtmlEncoder.Escape(title);
    }

    public static string Body(Query? query, string? summary, string body)
    {
        if (query != null)
        {
            foreach (var (field, text) in new[] { (ArticleDocument.Body, body), (ArticleDocument.Summary, summary ?? "") })
            {
                if (text.Length == 0)
                {
                    continue;
                }

                var scorer = new QueryScorer(query, field);
                var highlighter = new Highlighter(Formatter, MinimalHtmlEncoder.Instance, scorer)
                {
                    TextFragmenter = new SimpleSpanFragmenter(scorer, FragmentChars),
                    MaxDocCharsToAnalyze = MaxCharsToAnalyze,
                };
                using var tokens = FrenchAnalysis.Stemmed.GetTokenStream(field, text);
                var fragments = highlighter.GetBestFragments(tokens, text, MaxFragments, " … ");
                if (!string.IsNullOrWhiteSpace(fragments))
                {
                    return fragments.Replace('\n', ' ');
                }
            }
        }

        return MinimalHtmlEncoder.Escape(Lead(string.IsNullOrWhiteSpace(summary) ? body : summary));
    }

    /// <summary>The start of a text, cut at a word boundary.</summary>
    private static string Lead(string text)
    {
        text = text.Replace('\n', ' ');
        if (text.Length <= FallbackChars)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', FallbackChars);
        return text[..(cut > FallbackChars / 2 ? cut : FallbackChars)] + " …";
    }

    private static readonly SimpleHTMLFormatter Formatter = new("<mark>", "</mark>");

    private sealed class MinimalHtmlEncoder : IEncoder
    {
        public static readonly MinimalHtmlEncoder Instance = new();

        public string EncodeText(string originalText) => Escape(originalText);

        public static string Escape(string text)
        {
            if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
            {
                return text;
            }

            var sb = new StringBuilder(text.Length + 16);
            foreach (var c in text)
            {
                sb.Append(c switch
                {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    _ => c.ToString(),
                });
            }

            return sb.ToString();
        }
    }
}
