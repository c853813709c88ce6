using System.Text;
using Lucene.Net.Analysis.TokenAttributes;

namespace InnovationsFr.Search;

/// <summary>
/// Highlighted, HTML-escaped fragments: the text is analysed once with the search chain, tokens
/// whose stem is one of the query's are wrapped in &lt;mark&gt; (an elided article stays outside:
/// l'<mark>État</mark>), and the best windows are the ones with the most distinct query terms.
/// Everything else is escaped (only &amp; &lt; &gt; " ' — French letters stay letters). One pass
/// over the text: Lucene's Highlighter re-ran the query per document and cost most of a search.
/// </summary>
internal static class Snippets
{
    public const int FragmentChars = 160;
    public const int MaxFragments = 2;
    public const int FallbackChars = 220;
    private const int MaxCharsToAnalyze = 20_000;
    /// <summary>Once matches are found, analysis stops past this point: snippets come from the start of long texts.</summary>
    private const int EnoughChars = 400;
    private const string Separator = " … ";

    /// <summary>The whole title, with its matches marked.</summary>
    public static string Title(HashSet<string> terms, string title)
    {
        var matches = Matches(terms, title, title.Length);
        return matches.Count == 0 ? Escape(title) : Render(title, 0, title.Length, matches);
    }

    /// <summary>Up to two fragments of the body (or of the summary when only it matches), else the escaped lead.</summary>
    public static string Body(HashSet<string> terms, string? summary, string body)
    {
        if (terms.Count > 0)
        {
            foreach (var text in new[] { body, summary ?? "" })
            {
                var matches = Matches(terms, text, MaxCharsToAnalyze);
                if (matches.Count > 0)
                {
                    return Fragments(text, matches);
                }
            }
        }

        return Escape(Lead(string.IsNullOrWhiteSpace(summary) ? body : summary));
    }

    private readonly record struct Match(int Start, int End, string Term);

    private static List<Match> Matches(HashSet<string> terms, string text, int maxChars)
    {
        var matches = new List<Match>();
        if (terms.Count == 0 || text.Length == 0)
        {
            return matches;
        }

        // Looked up by span: a string per token analysed was most of the snippet's cost.
        var lookup = terms.GetAlternateLookup<ReadOnlySpan<char>>();
        using var stream = FrenchAnalysis.Stemmed.GetTokenStream(ArticleDocument.Body, text.Length > maxChars ? text[..maxChars] : text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            if (!lookup.TryGetValue(term.Buffer.AsSpan(0, term.Length), out var stem))
            {
                if (matches.Count > 0 && offset.StartOffset > EnoughChars)
                {
                    break;
                }

                continue;
            }

            var start = offset.StartOffset;
            if (start > EnoughChars && matches.Count > 0)
            {
                break;
            }

            var end = Math.Min(offset.EndOffset, text.Length);
            // The elided article (l', d', qu'…) is part of the token's offsets, not of the word.
            var apostrophe = text.AsSpan(start, end - start).IndexOfAny('\'', '’');
            if (apostrophe >= 0 && apostrophe < end - start - 1)
            {
                start += apostrophe + 1;
            }

            matches.Add(new Match(start, end, stem));
        }

        stream.End();
        return matches;
    }

    private static string Fragments(string text, List<Match> matches)
    {
        var windows = new List<(int Start, int End)>();
        var used = new bool[matches.Count];
        for (var f = 0; f < MaxFragments; f++)
        {
            var best = -1;
            var bestScore = 0;
            for (var i = 0; i < matches.Count; i++)
            {
                if (used[i])
                {
                    continue;
                }

                var start = Math.Max(0, matches[i].Start - 30);
                var distinct = new HashSet<string>(StringComparer.Ordinal);
                var count = 0;
                for (var j = i; j < matches.Count && matches[j].End <= start + FragmentChars; j++)
                {
                    if (!used[j])
                    {
                        distinct.Add(matches[j].Term);
                        count++;
                    }
                }

                var score = distinct.Count * 100 + count;
                if (score > bestScore)
                {
                    bestScore = score;
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            var (wStart, wEnd) = WordWindow(text, Math.Max(0, matches[best].Start - 30), FragmentChars);
            windows.Add((wStart, wEnd));
            for (var j = 0; j < matches.Count; j++)
            {
                used[j] |= matches[j].Start >= wStart && matches[j].End <= wEnd;
            }
        }

        var sb = new StringBuilder();
        foreach (var (start, end) in windows.OrderBy(w => w.Start))
        {
            sb.Append(sb.Length == 0 ? (start > 0 ? "… " : "") : Separator);
            sb.Append(Render(text, start, end, matches.Where(m => m.Start >= start && m.End <= end).ToList()));
        }

        return sb.Append(windows.Max(w => w.End) < text.Length ? " …" : "").ToString().Replace('\n', ' ');
    }

    /// <summary>A window of about <paramref name="length"/> characters, widened to whole words.</summary>
    private static (int Start, int End) WordWindow(string text, int start, int length)
    {
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        var end = Math.Min(text.Length, start + length);
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return (start, end);
    }

    private static string Render(string text, int start, int end, List<Match> matches)
    {
        var sb = new StringBuilder(end - start + matches.Count * 13);
        var at = start;
        foreach (var match in matches)
        {
            if (match.Start < at)
            {
                continue;
            }

            Escape(sb, text.AsSpan(at, match.Start - at));
            sb.Append("<mark>");
            Escape(sb, text.AsSpan(match.Start, match.End - match.Start));
            sb.Append("</mark>");
            at = match.End;
        }

        Escape(sb, text.AsSpan(at, end - at));
        return sb.ToString();
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

    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        Escape(sb, text);
        return sb.ToString();
    }

    private static void Escape(StringBuilder sb, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        }
    }
}
