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

    private static string FoldSpaces(string text)
    {
        if (!NeedsFolding(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        var pendingBreak = false;
        foreach (var c in text)
        {
            if (c == '\n' || c == '\r')
            {
                pendingBreak = true;
            }
            else if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = true;
            }
            else
            {
                if (sb.Length > 0 && (pendingBreak || pendingSpace))
                {
                    sb.Append(pendingBreak ? '\n' : ' ');
                }

                pendingBreak = pendingSpace = false;
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>True when <see cref="FoldSpaces"/> would change the text: edge or repeated white space, tabs, control characters.</summary>
    private static bool NeedsFolding(string text)
    {
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return true;
        }

        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '\n')
            {
                if (char.IsWhiteSpace(text[i - 1]))
                {
                    return true;
                }
            }
            else if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
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
