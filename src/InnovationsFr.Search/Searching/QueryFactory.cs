using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// Turns a parsed reader query into a Lucene query. Each word or phrase is searched in every text
/// field, weighted title &gt; tags &gt; summary &gt; body, with a bonus on the exact (accented,
/// unstemmed) title; the parts are OR-ed (Lucene's coord factor ranks documents that match more
/// of them first), exclusions are MUST_NOT.
/// </summary>
internal static class QueryFactory
{
    /// <summary>Stemmed fields and their weights.</summary>
    internal static readonly (string Field, float Boost)[] StemmedFields =
    [
        (ArticleDocument.Title, 3.0f),
        (ArticleDocument.TagsText, 2.0f),
        (ArticleDocument.Summary, 1.5f),
        (ArticleDocument.Body, 1.0f),
    ];

    /// <summary>Exact-form fields: a bonus for the written form, never the only way to match.</summary>
    internal static readonly (string Field, float Boost)[] ExactFields =
    [
        (ArticleDocument.TitleExact, 1.0f),
    ];

    /// <summary>The stems a reader is looking for (excluded words left out): what snippets mark.</summary>
    public static HashSet<string> HighlightTerms(UserQuery query)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in query.Parts.Where(p => !p.Excluded))
        {
            terms.UnionWith(FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, part.Text));
        }

        return terms;
    }

    /// <summary>The text query, or null when the reader's query holds no searchable word (then every article matches).</summary>
    public static Query? Build(UserQuery query)
    {
        var wanted = new List<Query>();
        var excluded = new List<Query>();
        foreach (var part in query.Parts)
        {
            var partQuery = PartQuery(part.Text);
            if (partQuery != null)
            {
                (part.Excluded ? excluded : wanted).Add(partQuery);
            }
        }

        if (wanted.Count == 0 && excluded.Count == 0)
        {
            return null;
        }

        var top = new BooleanQuery();
        foreach (var q in wanted)
        {
            top.Add(q, Occur.SHOULD);
        }

        // Proximity: words typed together ("etats unis") score more where they stand together.
        var words = query.Parts.Where(p => !p.Excluded && !p.IsPhrase).Select(p => p.Text).ToList();
        if (words.Count >= 2 && ProximityQuery(string.Join(' ', words)) is { } proximity)
        {
            top.Add(proximity, Occur.SHOULD);
        }

        if (wanted.Count == 0)
        {
            top.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        foreach (var q in excluded)
        {
            top.Add(q, Occur.MUST_NOT);
        }

        return top;
    }

    /// <summary>
    /// One word or phrase over all fields. A word the tokenizer splits ("États-Unis") is a phrase,
    /// so that it does not match both halves far apart.
    /// </summary>
    private static BooleanQuery? PartQuery(string text)
    {
        var stemmed = FrenchAnalysis.AnalyzeWithPositions(FrenchAnalysis.Stemmed, text);
        if (stemmed.Count == 0)
        {
            return null;
        }

        var exact = FrenchAnalysis.AnalyzeWithPositions(FrenchAnalysis.Exact, text);
        // A part scores once per field: no coord inside, or matching a single field would be penalised.
        var fields = new BooleanQuery(disableCoord: true);
        foreach (var (field, boost) in StemmedFields)
        {
            fields.Add(TermsQuery(field, stemmed, boost), Occur.SHOULD);
        }

        if (exact.Count > 0)
        {
            foreach (var (field, boost) in ExactFields)
            {
                fields.Add(TermsQuery(field, exact, boost), Occur.SHOULD);
            }
        }

        return fields;
    }

    /// <summary>The reader's loose words as a sloppy phrase on the short fields (on the body it read the positions of every match and tripled slow queries).</summary>
    private static BooleanQuery? ProximityQuery(string text)
    {
        var tokens = FrenchAnalysis.AnalyzeWithPositions(FrenchAnalysis.Stemmed, text);
        if (tokens.Count < 2)
        {
            return null;
        }

        var proximity = new BooleanQuery(disableCoord: true);
        foreach (var (field, boost) in ProximityFields)
        {
            var phrase = (PhraseQuery)TermsQuery(field, tokens, boost);
            phrase.Slop = ProximitySlop;
            proximity.Add(phrase, Occur.SHOULD);
        }

        return proximity;
    }

    /// <summary>How far apart (in positions) loose words may stand and still earn the proximity bonus.</summary>
    internal const int ProximitySlop = 2;

    internal static readonly (string Field, float Boost)[] ProximityFields =
    [
        (ArticleDocument.Title, 2.0f),
        (ArticleDocument.TagsText, 1.0f),
    ];

    private static Query TermsQuery(string field, List<(string Term, int Position)> tokens, float boost)
    {
        if (tokens.Count == 1)
        {
            return new TermQuery(new Term(field, tokens[0].Term)) { Boost = boost };
        }

        // Positions keep the gaps left by stop words, so "Département de la Défense" matches as written.
        var phrase = new PhraseQuery { Boost = boost };
        foreach (var (term, position) in tokens.Take(UserQuery.MaxParts))
        {
            phrase.Add(new Term(field, term), position);
        }

        return phrase;
    }
}
