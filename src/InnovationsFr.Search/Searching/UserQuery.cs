using System.Globalization;
using System.Text;

namespace InnovationsFr.Search;

/// <summary>One part of a reader's query: a word or a "quoted phrase", wanted or excluded.</summary>
internal sealed record QueryPart(string Text, bool IsPhrase, bool Excluded);

/// <summary>
/// A reader's query, parsed forgivingly in the manner of Elasticsearch's simple_query_string:
/// words, "quoted phrases", -exclusions and OR. Nothing here can fail: stray quotes, operators,
/// Lucene syntax, control characters and lone surrogates are treated as text or dropped, and the
/// query is cut to <see cref="MaxChars"/> characters and <see cref="MaxParts"/> parts.
/// </summary>
internal sealed class UserQuery
{
    /// <summary>Characters kept from the query; the rest is ignored.</summary>
    public const int MaxChars = 500;
    /// <summary>Words and phrases kept from the query; the rest is ignored.</summary>
    public const int MaxParts = 32;

    private UserQuery(IReadOnlyList<QueryPart> parts, string effective, bool truncated)
    {
        Parts = parts;
        Effective = effective;
        Truncated = truncated;
    }

    public IReadOnlyList<QueryPart> Parts { get; }

    /// <summary>The query as it was understood, after cleaning and truncation.</summary>
    public string Effective { get; }

    public bool Truncated { get; }

    public bool IsEmpty => Parts.Count == 0;

    public static UserQuery Parse(string? raw)
    {
        var text = Clean(raw ?? "", out var truncated);
        var parts = new List<QueryPart>();
        var i = 0;
        while (i < text.Length && parts.Count < MaxParts)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            var excluded = false;
            if (text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                excluded = true;
                i++;
            }

            if (text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                // An unbalanced quote: the rest of the query is read as plain words.
                if (close > i)
                {
                    var phrase = text[(i + 1)..close].Trim();
                    if (phrase.Length > 0)
                    {
                        parts.Add(new QueryPart(phrase, IsPhrase: true, excluded));
                    }

                    i = close + 1;
                    continue;
                }

                i++;
                continue;
            }

            var end = i;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '"')
            {
                end++;
            }

            var word = text[i..end];
            i = end;
            // OR (or |) between words is the default combination: accepted and dropped.
            if (!excluded && (word == "OR" || word == "|" || word == "||"))
            {
                continue;
            }

            parts.Add(new QueryPart(word, IsPhrase: false, excluded));
        }

        if (i < text.Length && text[i..].Trim().Length > 0)
        {
            truncated = true;
        }

        return new UserQuery(parts, Describe(parts), truncated);
    }

    private static string Describe(IEnumerable<QueryPart> parts) =>
        string.Join(' ', parts.Select(p => (p.Excluded ? "-" : "") + (p.IsPhrase ? $"\"{p.Text}\"" : p.Text)));

    /// <summary>Drops control and format characters and lone surrogates, normalises to NFC, and cuts at MaxChars.</summary>
    private static string Clean(string raw, out bool truncated)
    {
        truncated = false;
        var sb = new StringBuilder(Math.Min(raw.Length, MaxChars));
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < raw.Length && char.IsLowSurrogate(raw[i + 1]))
                {
                    if (sb.Length + 2 > MaxChars)
                    {
                        truncated = true;
                        break;
                    }

                    sb.Append(c).Append(raw[i + 1]);
                    i++;
                }

                continue;
            }

            if (char.IsLowSurrogate(c))
            {
                continue;
            }

            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                c = ' ';
            }
            else if (c is '“' or '”' or '«' or '»' or '„')
            {
                // French and typographic quotes delimit phrases too.
                c = '"';
            }

            if (sb.Length + 1 > MaxChars)
            {
                truncated = true;
                break;
            }

            sb.Append(c);
        }

        var cleaned = sb.ToString();
        try
        {
            return cleaned.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return cleaned;
        }
    }
}
