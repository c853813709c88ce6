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
    /// <summary>
    /// Stemmed fields and their weights. A title is short, so BM25 already scores a title match far
    /// above the same word in a body: weights above 1 made title-only matches crowd out better
    /// pages. Title 0.4 and exact title 0.2 were chosen on the dev queries of both relevance sets
    /// (cdtn-datafiller dev MRR@10 0.601 → 0.637 from title 3 / exact 1; piaf-v1 dev nDCG@10
    /// 0.766 → 0.793); a title match still outranks a body mention.
    /// </summary>
    internal static readonly (string Field, float Boost)[] StemmedFields =
    [
        (ArticleDocument.Title, 0.4f),
        (ArticleDocument.TagsText, 2.0f),
        (ArticleDocument.Summary, 1.5f),
        (ArticleDocument.Body, 1.0f),
    ];

    /// <summary>Exact-form fields: a bonus for the written form, never the only way to match.</summary>
    internal static readonly (string Field, float Boost)[] ExactFields =
    [
        (ArticleDocument.TitleExact, 0.2f),
    ];

    /// <summary>Weight of an editor's synonym against the reader's own words (which rank first).</summary>
    internal const float SynonymBoost = 0.6f;

    /// <summary>Weight of a fuzzy (typo-tolerant) match against an exact or stemmed one.</summary>
    internal const float FuzzyBoost = 0.3f;

    /// <summary>The stems a reader is looking for (excluded words left out), with their synonyms': what snippets mark.</summary>
    public static HashSet<string> HighlightTerms(UserQuery query, Synonyms? synonyms = null)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in query.Parts.Where(p => !p.Excluded))
        {
            terms.UnionWith(part.Stems);
        }

        foreach (var (_, _, group) in SynonymSpans(query, synonyms ?? Synonyms.None))
        {
            foreach (var variant in (synonyms ?? Synonyms.None).Variants(group))
            {
                terms.UnionWith(variant.Stems);
            }
        }

        return terms;
    }

    /// <summary>
    /// The text query, or null when the reader's query holds no searchable word (then every article
    /// matches). Words that match an editor's synonym group also search the group's other variants
    /// (phrases kept whole, weighted <see cref="SynonymBoost"/>); parts listed in
    /// <paramref name="fuzzy"/> also match index terms within that many edits (weighted <see cref="FuzzyBoost"/>).
    /// </summary>
    public static Query? Build(UserQuery query, Synonyms? synonyms = null, IReadOnlyDictionary<int, int>? fuzzy = null)
    {
        synonyms ??= Synonyms.None;
        var wanted = new List<Query>();
        var excluded = new List<Query>();
        var spans = SynonymSpans(query, synonyms).ToDictionary(s => s.Start);
        for (var i = 0; i < query.Parts.Count;)
        {
            var part = query.Parts[i];
            if (spans.TryGetValue(i, out var span))
            {
                wanted.Add(SynonymUnit(query, span, synonyms, fuzzy));
                i += span.Length;
                continue;
            }

            var partQuery = PartQuery(part, part.Excluded ? 0 : fuzzy?.GetValueOrDefault(i) ?? 0);
            if (partQuery != null)
            {
                (part.Excluded ? excluded : wanted).Add(partQuery);
            }

            i++;
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
        if (query.Parts.Count(p => !p.Excluded && !p.IsPhrase) >= 2 && ProximityQuery(query.LooseWords) is { } proximity)
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
    /// Spans of wanted parts that are a synonym variant, longest first from left to right: several
    /// loose words ("intelligence artificielle") or one part (a word or a quoted phrase).
    /// </summary>
    internal static IEnumerable<(int Start, int Length, int Group)> SynonymSpans(UserQuery query, Synonyms synonyms)
    {
        if (synonyms.LongestVariant == 0)
        {
            yield break;
        }

        var parts = query.Parts;
        var stems = parts.Select(p => p.Excluded ? [] : p.Stems).ToList();
        for (var i = 0; i < parts.Count;)
        {
            var found = false;
            for (var end = Math.Min(parts.Count, i + synonyms.LongestVariant); end > i && !found; end--)
            {
                var span = parts.Skip(i).Take(end - i).ToList();
                if (span.Any(p => p.Excluded) || (span.Count > 1 && span.Any(p => p.IsPhrase)))
                {
                    continue;
                }

                var key = span.Count == 1
                    ? span[0].SynonymKey
                    : string.Join(' ', stems.Skip(i).Take(end - i).SelectMany(s => s));
                var group = key.Length == 0 ? -1 : synonyms.GroupOf(key);
                if (group >= 0)
                {
                    yield return (i, end - i, group);
                    i = end;
                    found = true;
                }
            }

            if (!found)
            {
                i++;
            }
        }
    }

    /// <summary>The reader's words of a span, or any other variant of their synonym group.</summary>
    private static Query SynonymUnit(UserQuery query, (int Start, int Length, int Group) span, Synonyms synonyms, IReadOnlyDictionary<int, int>? fuzzy)
    {
        var unit = new BooleanQuery(disableCoord: true);
        var typed = query.Parts.Skip(span.Start).Take(span.Length).ToList();
        if (typed.Count == 1)
        {
            if (PartQuery(typed[0], fuzzy?.GetValueOrDefault(span.Start) ?? 0) is { } single)
            {
                unit.Add(single, Occur.SHOULD);
            }
        }
        else
        {
            var words = new BooleanQuery();
            foreach (var part in typed)
            {
                if (PartQuery(part, 0) is { } q)
                {
                    words.Add(q, Occur.SHOULD);
                }
            }

            unit.Add(words, Occur.SHOULD);
        }

        // Several loose words are keyed as typed together (a compound may span them).
        var typedKey = typed.Count == 1 ? typed[0].SynonymKey : query.SpanKey(span.Start, span.Length);
        foreach (var variant in synonyms.Variants(span.Group))
        {
            if (variant.SynonymKey != typedKey && PartQuery(variant, 0) is { } alternative)
            {
                alternative.Boost = SynonymBoost;
                unit.Add(alternative, Occur.SHOULD);
            }
        }

        return unit;
    }

    /// <summary>
    /// One word or phrase over all fields. A word the tokenizer splits ("États-Unis") is a phrase,
    /// so that it does not match both halves far apart. With <paramref name="fuzzyEdits"/> &gt; 0, a
    /// one-stem word also matches index terms within that many edits (Damerau-Levenshtein, first
    /// letter kept), weighted below the word itself.
    /// </summary>
    private static BooleanQuery? PartQuery(QueryPart part, int fuzzyEdits)
    {
        var stemmed = part.Stemmed;
        if (stemmed.Count == 0)
        {
            return null;
        }

        var exact = part.Exact;
        // A part scores once per field: no coord inside, or matching a single field would be penalised.
        var fields = new BooleanQuery(disableCoord: true);
        foreach (var (field, boost) in StemmedFields)
        {
            fields.Add(TermsQuery(field, stemmed, boost), Occur.SHOULD);
            if (fuzzyEdits > 0 && stemmed.Count == 1 && field != ArticleDocument.Summary)
            {
                fields.Add(new FuzzyQuery(new Term(field, stemmed[0].Term), fuzzyEdits, prefixLength: 1, maxExpansions: FuzzyExpansions, transpositions: true) { Boost = boost * FuzzyBoost }, Occur.SHOULD);
            }
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

    /// <summary>Index terms a fuzzy word may stand for (the closest, then the most frequent).</summary>
    internal const int FuzzyExpansions = 8;

    /// <summary>The reader's loose words as a sloppy phrase on the short fields (on the body it read the positions of every match and tripled slow queries).</summary>
    private static BooleanQuery? ProximityQuery(List<(string Term, int Position)> tokens)
    {
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
