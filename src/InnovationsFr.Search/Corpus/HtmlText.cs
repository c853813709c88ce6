using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace InnovationsFr.Search;

/// <summary>Reduces an article body (plain text or HTML) to the plain text that is indexed and highlighted.</summary>
public static partial class HtmlText
{
    /// <summary>True when the text holds at least one HTML tag, comment or entity.</summary>
    public static bool LooksLikeHtml(string text) => text.AsSpan().IndexOfAny('<', '&') >= 0 && TagOrEntity().IsMatch(text);

    /// <summary>
    /// Plain text of a body: scripts, styles and comments dropped, block elements turned into line
    /// breaks, other tags removed, entities decoded, runs of spaces folded. Plain text passes through
    /// with only its spaces folded.
    /// </summary>
    public static string ToPlainText(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return "";
        }

        var text = body;
        if (LooksLikeHtml(body))
        {
            text = Invisible().Replace(text, " ");
            text = BlockBoundary().Replace(text, "\n");
            text = AnyTag().Replace(text, "");
            text = WebUtility.HtmlDecode(text);
        }

        return FoldSpaces(text);
    }

    /// <summary>
    /// Folds white space: a run holding two or more line breaks becomes a paragraph break "\n\n",
    /// one line break stays "\n", any other run one space; control characters count as space.
    /// </summary>
    private static string FoldSpaces(string text)
    {
        if (!NeedsFolding(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var spaces = 0;
        var breaks = 0;
        foreach (var c in text)
        {
            if (c is '\n' or '\r' or '\u2028' or '\u2029')
            {
                breaks += c == '\r' ? 0 : 1;
                spaces++;
            }
            else if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                spaces++;
            }
            else
            {
                if (sb.Length > 0 && spaces > 0)
                {
                    sb.Append(breaks >= 2 ? "\n\n" : breaks == 1 ? "\n" : " ");
                }

                spaces = breaks = 0;
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Every white-space or control character but the plain space: where a clean text needs a closer look.</summary>
    private static readonly System.Buffers.SearchValues<char> SpaceOrControl = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => c != ' ' && (char.IsWhiteSpace(c) || char.IsControl(c))).ToArray());

    /// <summary>True when <see cref="FoldSpaces"/> would change the text (so the common, clean case costs one vectorized scan).</summary>
    private static bool NeedsFolding(string text)
    {
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || text.Contains("  ", StringComparison.Ordinal))
        {
            return true;
        }

        // Clean: single spaces between words, and line breaks "\n" or "\n\n" between two non-spaces.
        var rest = text.AsSpan();
        var offset = 0;
        int found;
        while ((found = rest.IndexOfAny(SpaceOrControl)) >= 0)
        {
            var i = offset + found;
            if (text[i] != '\n' || char.IsWhiteSpace(text[i - 1]) || (text[i + 1] == '\n' ? char.IsWhiteSpace(text[i + 2]) : char.IsWhiteSpace(text[i + 1])))
            {
                return true;
            }

            var next = text[i + 1] == '\n' ? i + 2 : i + 1;
            rest = text.AsSpan(next);
            offset = next;
        }

        return false;
    }

    [GeneratedRegex(@"<[a-zA-Z/!][^<>]*>|&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")]
    private static partial Regex TagOrEntity();

    [GeneratedRegex(@"<!--.*?-->|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<\s*(br|/?p|/?div|/?li|/?ul|/?ol|/?h[1-6]|/?blockquote|/?tr|/?section|/?article|/?figure|/?figcaption|/?pre)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBoundary();

    [GeneratedRegex(@"<[a-zA-Z/!][^<>]*>")]
    private static partial Regex AnyTag();
}
