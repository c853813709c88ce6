using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// "Did you mean": the reader's query with each word the site does not write that way replaced
/// by the site's spelling — accents restored ("securite" → "sécurité"), a typo corrected
/// ("inteligence" → "intelligence") — built from the index vocabulary (title words and tag labels,
/// see <see cref="Vocabulary"/>) and the term dictionary (<see cref="FuzzyTermsEnum"/>).
/// Numbers, and acronyms and short words of the editors' synonym list, are left as typed.
/// </summary>
internal static class Spelling
{
    /// <summary>The corrected query, or null when every word is written as the site writes it or nothing better is known.</summary>
    public static string? Correct(UserQuery query, IndexReader reader, Vocabulary vocabulary, Synonyms synonyms)
    {
        var changed = false;
        var parts = new List<string>();
        foreach (var part in query.Parts)
        {
            var text = part.IsPhrase
                ? string.Join(' ', part.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => Word(w, null, reader, vocabulary, synonyms, ref changed)))
                : Word(part.Text, part, reader, vocabulary, synonyms, ref changed);
            parts.Add((part.Excluded ? "-" : "") + (part.IsPhrase ? $"\"{text}\"" : text));
        }

        return changed ? string.Join(' ', parts) : null;
    }

    /// <summary>Whether two queries are the same to the index (the same stems, part by part).</summary>
    public static bool SameStems(UserQuery a, UserQuery b) =>
        a.Parts.Count == b.Parts.Count && a.Parts.Zip(b.Parts).All(p =>
            p.First.Excluded == p.Second.Excluded && p.First.IsPhrase == p.Second.IsPhrase &&
            p.First.Stems.SequenceEqual(p.Second.Stems));

    /// <summary>
    /// Whether every part that changed is a wanted word whose stems no article holds: with OR-ed
    /// words, the corrected query then finds every article the original found, and more.
    /// </summary>
    public static bool OnlyUnknownWordsReplaced(UserQuery original, UserQuery corrected, IndexReader reader) =>
        original.Parts.Count == corrected.Parts.Count && original.Parts.Zip(corrected.Parts).All(p =>
        {
            var before = p.First.Stems;
            var after = p.Second.Stems;
            return before.SequenceEqual(after)
                || (!p.First.Excluded && !p.First.IsPhrase && before.All(stem => Typos.DocFreq(reader, stem, 1) == 0));
        });

    /// <summary>The site's spelling of a typed word; <paramref name="part"/> is the query part it is, when it is a whole one (its analysis is reused).</summary>
    private static string Word(string typed, QueryPart? part, IndexReader reader, Vocabulary vocabulary, Synonyms synonyms, ref bool changed)
    {
        // An elided article stays as typed: "l'inteligence" → "l'intelligence".
        var apostrophe = typed.IndexOfAny(['\'', '’']);
        var prefix = apostrophe > 0 && apostrophe <= 6 && apostrophe < typed.Length - 1 ? typed[..(apostrophe + 1)] : "";
        var word = typed[prefix.Length..];
        var lower = word.ToLowerInvariant();
        // A whole part with nothing cut off is the word: its stems are already known (the analysis lower-cases).
        var stems = part != null && prefix.Length == 0 ? part.Stems : FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, lower);
        var isSynonym = synonyms.Contains(stems, word);
        if (lower.Length < 2 || lower.Any(char.IsDigit) || !lower.Any(char.IsLetter) || (isSynonym && (lower.Length <= 3 || word.Count(char.IsUpper) >= 2)))
        {
            return typed;
        }

        if (vocabulary.Knows(lower))
        {
            // Written so somewhere; still offer the accented spelling the site uses far more often
            // (a stray "Cybersecurite" tag does not make it the right spelling).
            var usual = vocabulary.WithAccents(lower);
            if (usual == null || usual == lower || vocabulary.CountOf(usual) < 3 * vocabulary.CountOf(lower))
            {
                return typed;
            }

            changed = true;
            return prefix + usual;
        }

        var corrected = Best(lower, stems, reader, vocabulary);
        if (corrected == null || corrected == lower)
        {
            return typed;
        }

        changed = true;
        return prefix + (char.IsUpper(word[0]) ? char.ToUpperInvariant(corrected[0]) + corrected[1..] : corrected);
    }

    /// <summary>The site's spelling closest to a word: the same letters with accents, else the same stem, else a stem within the allowed edits; the most used on a tie.</summary>
    private static string? Best(string lower, List<string> stems, IndexReader reader, Vocabulary vocabulary)
    {
        if (vocabulary.WithAccents(lower) is { } accented)
        {
            return accented;
        }

        var edits = Typos.EditsFor(lower);
        var folded = Vocabulary.Fold(lower);
        if (stems.Count != 1)
        {
            return null;
        }

        // The stemmer may already have forgiven the typo ("inteligence" and "intelligence" share a stem).
        var sameStem = vocabulary.SpellingsOf(stems[0])
            .Select(w => (Word: w, Distance: TagDuplicates.DamerauLevenshtein(folded, Vocabulary.Fold(w), Math.Max(1, edits))))
            .Where(c => c.Distance <= Math.Max(1, edits))
            .OrderBy(c => c.Distance)
            .ThenByDescending(c => vocabulary.CountOf(c.Word))
            .Select(c => c.Word)
            .FirstOrDefault();
        if (sameStem != null || edits == 0 || Typos.DocFreq(reader, stems[0], Typos.KnownDocFreq) >= Typos.KnownDocFreq)
        {
            return sameStem;
        }

        // Otherwise the closest stems of the term dictionary that the site also writes in a title or a tag.
        var candidates = new List<(string Word, float Similarity, int Count)>();
        foreach (var field in new[] { ArticleDocument.Title, ArticleDocument.TagsText, ArticleDocument.Body })
        {
            var terms = MultiFields.GetTerms(reader, field);
            if (terms == null)
            {
                continue;
            }

            var attributes = new AttributeSource();
            var fuzzy = new FuzzyTermsEnum(terms, attributes, new Term(field, stems[0]), edits, 1, transpositions: true);
            var boost = fuzzy.Attributes.AddAttribute<IBoostAttribute>();
            while (fuzzy.MoveNext())
            {
                foreach (var word in vocabulary.SpellingsOf(fuzzy.Term.Utf8ToString()).Take(3))
                {
                    var distance = TagDuplicates.DamerauLevenshtein(folded, Vocabulary.Fold(word), edits);
                    if (distance <= edits)
                    {
                        candidates.Add((word, boost.Boost - distance, vocabulary.CountOf(word)));
                    }
                }
            }
        }

        return candidates
            .OrderByDescending(c => c.Similarity)
            .ThenByDescending(c => c.Count)
            .ThenBy(c => c.Word, StringComparer.Ordinal)
            .Select(c => c.Word)
            .FirstOrDefault();
    }
}
