using System.Globalization;
using System.Text;

namespace InnovationsFr.Search;

/// <summary>
/// One part of a reader's query: a word or a "quoted phrase", wanted or excluded, with its analysis
/// through each chain computed once, on first use: the query, the typo and spelling checks and the
/// highlighter all read it from here (a query lives for one request, on one thread).
/// </summary>
internal sealed class QueryPart(string text, bool isPhrase, bool excluded)
{
    private List<(string Term, int Position)>? _stemmed;
    private List<(string Term, int Position)>? _exact;
    private List<string>? _stems;

    public string Text { get; } = text;

    public bool IsPhrase { get; } = isPhrase;

    public bool Excluded { get; } = excluded;

    /// <summary>Stems with their positions (stop words leave gaps).</summary>
    public List<(string Term, int Position)> Stemmed => _stemmed ??= FrenchAnalysis.AnalyzeWithPositions(FrenchAnalysis.Stemmed, Text);

    /// <summary>Exact forms (accents kept, not stemmed) with their positions.</summary>
    public List<(string Term, int Position)> Exact => _exact ??= FrenchAnalysis.AnalyzeWithPositions(FrenchAnalysis.Exact, Text);

    public List<string> Stems => _stems ??= Stemmed.Select(t => t.Term).ToList();

    /// <summary>Its synonym match key (<see cref="Synonyms.Key(string)"/>), from the stems already computed.</summary>
    public string SynonymKey => Synonyms.KeyOf(Stems, Text);
}

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

    private List<string>? _wantedStems;

    /// <summary>The distinct stems of the wanted (not excluded) parts, in query order: what ranking features and priors read.</summary>
    public List<string> WantedStems => _wantedStems ??= Parts.Where(p => !p.Excluded).SelectMany(p => p.Stems).Distinct(StringComparer.Ordinal).ToList();

    private List<(string Term, int Position)>? _looseWords;
    private Dictionary<(int, int), string>? _spanKeys;

    /// <summary>The synonym key of several loose words typed together (a compound may span them), computed once per span.</summary>
    public string SpanKey(int start, int length)
    {
        _spanKeys ??= [];
        if (!_spanKeys.TryGetValue((start, length), out var key))
        {
            key = Synonyms.Key(string.Join(' ', Parts.Skip(start).Take(length).Select(p => p.Text)));
            _spanKeys[(start, length)] = key;
        }

        return key;
    }

    /// <summary>The wanted loose words (not phrases) analysed together, positions across them: the proximity bonus's phrase.</summary>
    public List<(string Term, int Position)> LooseWords => _looseWords ??= FrenchAnalysis.AnalyzeWithPositions(
        FrenchAnalysis.Stemmed,
        string.Join(' ', Parts.Where(p => !p.Excluded && !p.IsPhrase).Select(p => p.Text)));

    /// <summary>
    /// Parses a query; parts written exactly as one of <paramref name="reuse"/>'s (a corrected
    /// query keeps most of the reader's words) share its part, and so its analysis.
    /// </summary>
    public static UserQuery Parse(string? raw, UserQuery? reuse = null)
    {
        var parsed = Parse(raw);
        if (reuse == null)
        {
            return parsed;
        }

        var known = new Dictionary<(string, bool, bool), QueryPart>();
        foreach (var part in reuse.Parts)
        {
            known.TryAdd((part.Text, part.IsPhrase, part.Excluded), part);
        }

        var parts = parsed.Parts.Select(p => known.GetValueOrDefault((p.Text, p.IsPhrase, p.Excluded), p)).ToList();
        return new UserQuery(parts, parsed.Effective, parsed.Truncated);
    }

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
                        parts.Add(new QueryPart(phrase, isPhrase: true, excluded));
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

            parts.Add(new QueryPart(word, isPhrase: false, excluded));
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
