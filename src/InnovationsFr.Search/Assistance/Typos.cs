using Lucene.Net.Index;

namespace InnovationsFr.Search;

/// <summary>
/// Typo tolerance. When a search finds fewer than <see cref="FewResults"/> articles (less than a
/// first page), or one of its words is unknown to the index (with OR-ed words the others still
/// find plenty, but that word was almost surely mistyped), it runs again with the words the index
/// does not know well also matching terms within a few edits: none for 1–3 letters, 1 from 4,
/// 2 from 8 (Damerau-Levenshtein: a swap of two letters is one edit). Numbers ("5G" is not "4G"),
/// the editors' synonyms and acronyms, and words in at least <see cref="KnownDocFreq"/> articles
/// are never fuzzed; fuzzy matches weigh less than exact and stemmed ones.
/// </summary>
internal static class Typos
{
    /// <summary>Fewer results than this (a first page) let a search try typo tolerance.</summary>
    public const int FewResults = 10;

    /// <summary>At most this many words of a query are fuzzed (the first ones): fifty misspelt words do not make fifty fuzzy expansions.</summary>
    public const int MaxFuzzyWords = 5;

    /// <summary>A word in at least this many articles is known: it is what the reader meant.</summary>
    public const int KnownDocFreq = 3;

    /// <summary>Edits allowed for a word of this many letters.</summary>
    public static int EditsFor(string word)
    {
        var letters = word.Count(char.IsLetter);
        return letters >= 8 ? 2 : letters >= 4 ? 1 : 0;
    }

    /// <summary>
    /// Articles whose text fields hold a stem (the largest count over the stemmed fields), or any
    /// count of at least <paramref name="enough"/> once one is reached: under writes an index has
    /// dozens of small segments, and every search asked each of them for each word and field.
    /// </summary>
    public static int DocFreq(IndexReader reader, string stem, int enough = int.MaxValue)
    {
        var most = 0;
        // The body first: the field most likely to reach the count early.
        for (var f = QueryFactory.StemmedFields.Length - 1; f >= 0; f--)
        {
            var term = new Term(QueryFactory.StemmedFields[f].Field, stem);
            var count = 0;
            foreach (var leaf in reader.Leaves)
            {
                count += leaf.AtomicReader.DocFreq(term);
                if (count >= enough)
                {
                    return count;
                }
            }

            most = Math.Max(most, count);
        }

        return most;
    }

    /// <summary>The wanted words that may be fuzzed (part index → edits), and whether one of them is unknown to the index.</summary>
    public static Dictionary<int, int> Candidates(UserQuery query, IndexReader reader, Synonyms synonyms, out bool unknownWord)
    {
        unknownWord = false;
        var fuzzy = new Dictionary<int, int>();
        for (var i = 0; i < query.Parts.Count && fuzzy.Count < MaxFuzzyWords; i++)
        {
            var part = query.Parts[i];
            if (part.Excluded || part.IsPhrase || part.Text.Any(char.IsDigit) || synonyms.Contains(part))
            {
                continue;
            }

            var edits = EditsFor(part.Text);
            var stems = part.Stems;
            if (edits == 0 || stems.Count != 1)
            {
                continue;
            }

            var df = DocFreq(reader, stems[0], KnownDocFreq);
            if (df < KnownDocFreq)
            {
                fuzzy[i] = edits;
                unknownWord |= df == 0;
            }
        }

        return fuzzy;
    }
}
