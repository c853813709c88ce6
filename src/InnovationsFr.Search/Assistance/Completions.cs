using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// Autocomplete: the last word completed from the site's vocabulary (the words most articles use
/// first: the likeliest word is the most common one), tag labels with a word starting like it (most
/// used tags first) and article titles holding the words typed so far (newest first: on a news
/// site the latest coverage is the one sought). Accents and case are ignored.
/// </summary>
internal static class Completions
{
    public const int MaxLimit = 10;

    /// <summary>Letters of the last word before titles are matched on it as a prefix (two letters match half the titles).</summary>
    private const int MinTitlePrefix = 3;

    public static CompletionList Complete(IndexSearcher searcher, ReaderFacts facts, string typed, int limit)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var text = typed.Length > 200 ? typed[..200] : typed;
        var words = text.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return new CompletionList(typed, []);
        }

        var completingWord = !char.IsWhiteSpace(text[^1]);
        var last = words[^1];
        var apostrophe = last.IndexOfAny(['\'', '’']);
        var elided = apostrophe > 0 && apostrophe <= 6 && apostrophe < last.Length - 1 ? last[..(apostrophe + 1)] : "";
        var stem = last[elided.Length..];
        var head = string.Join(' ', words[..^1]);
        var results = new List<Completion>();

        var completed = new List<string>();
        if (completingWord && stem.Any(char.IsLetterOrDigit))
        {
            foreach (var (word, count) in facts.Vocabulary().Completions(stem, limit))
            {
                completed.Add(word);
                results.Add(new Completion((head.Length > 0 ? head + " " : "") + elided + word, CompletionKind.Word, count, null, null));
                if (results.Count >= Math.Min(4, limit))
                {
                    break;
                }
            }

            var folded = Vocabulary.Fold(stem);
            foreach (var tag in facts.Vocabulary().Tags.Where(t => t.Words.Any(w => w.StartsWith(folded, StringComparison.Ordinal))).Take(3))
            {
                results.Add(new Completion(tag.Label, CompletionKind.Tag, tag.Count, Slug.From(tag.Label), null));
            }
        }

        foreach (var title in Titles(searcher, words, completingWord, completed, limit))
        {
            results.Add(title);
        }

        var distinct = results
            .GroupBy(c => c.Kind + ":" + Vocabulary.Fold(c.Text), StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        // Words first, then tags, then titles, each kind keeping a share when there are more than fit.
        var picked = distinct.Where(c => c.Kind == CompletionKind.Word).Take(4)
            .Concat(distinct.Where(c => c.Kind == CompletionKind.Tag).Take(3))
            .Concat(distinct.Where(c => c.Kind == CompletionKind.Title).Take(3))
            .ToList();
        picked.AddRange(distinct.Except(picked).Take(limit - picked.Count));
        return new CompletionList(typed, picked.OrderBy(c => c.Kind).Take(limit).ToList());
    }

    /// <summary>
    /// Titles holding every word typed, the last one as typed or as one of its completions (from
    /// <see cref="MinTitlePrefix"/> letters: a bounded set of words, not every term with that
    /// prefix), newest first.
    /// </summary>
    private static IEnumerable<Completion> Titles(IndexSearcher searcher, string[] words, bool completingWord, List<string> completions, int limit)
    {
        var clauses = TitleClauses(words, completingWord, completions);
        if (clauses.Count == 0)
        {
            yield break;
        }

        foreach (var doc in NewestTitles(searcher.IndexReader, clauses, Math.Min(limit, 3)))
        {
            var stored = ArticleDocument.Load(searcher, doc, ArticleDocument.LinkFields);
            yield return new Completion(stored.Title, CompletionKind.Title, null, stored.Slug, stored.Id);
        }
    }

    /// <summary>What a title must hold: every clause, each one of its title terms.</summary>
    internal static List<string[]> TitleClauses(string[] words, bool completingWord, List<string> completions)
    {
        var clauses = new List<string[]>();
        for (var i = 0; i < words.Length; i++)
        {
            var stems = FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, words[i]);
            var isPrefix = completingWord && i == words.Length - 1;
            if (isPrefix)
            {
                var folded = stems.Count == 1 ? Vocabulary.Fold(words[i][(words[i].LastIndexOfAny(['\'', '’']) + 1)..]) : "";
                if (folded.Length < MinTitlePrefix || !folded.All(char.IsLetterOrDigit))
                {
                    if (stems.Count > 0)
                    {
                        clauses.Add([stems[^1]]);
                    }

                    continue;
                }

                // The stem of a whole word ("voiture" → "voitur"), or of the words it may become.
                clauses.Add([stems[0], .. completions.SelectMany(c => FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, c)).Distinct(StringComparer.Ordinal).Where(c => c != stems[0])]);
            }
            else
            {
                clauses.AddRange(stems.Select(stem => new[] { stem }));
            }
        }

        return clauses;
    }

    /// <summary>
    /// The newest <paramref name="count"/> documents whose title holds every clause (the lower
    /// document first on the same instant, as Lucene's sort). Matches are read from postings into a
    /// bit set per segment and dated from the segment's cached publication times: a common word's
    /// title matches sorted by date through Lucene cost 30 ms at 1M articles (a score and a
    /// doc-values read per match).
    /// </summary>
    internal static List<int> NewestTitles(IndexReader reader, List<string[]> clauses, int count)
    {
        var best = new PriorityQueue<int, (long Millis, int Doc)>(Comparer<(long Millis, int Doc)>.Create((a, b) => a.Millis != b.Millis ? a.Millis.CompareTo(b.Millis) : b.Doc.CompareTo(a.Doc)));
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            if (segment.GetTerms(ArticleDocument.Title)?.GetEnumerator() is not { } terms)
            {
                continue;
            }

            Lucene.Net.Util.FixedBitSet? matched = null;
            DocsEnum? reuse = null;
            foreach (var clause in clauses)
            {
                var any = new Lucene.Net.Util.FixedBitSet(segment.MaxDoc);
                foreach (var term in clause)
                {
                    if (!terms.SeekExact(new Lucene.Net.Util.BytesRef(term)))
                    {
                        continue;
                    }

                    reuse = terms.Docs(segment.LiveDocs, reuse, DocsFlags.NONE);
                    QueryClauses.Mark(reuse, any);
                }

                if (matched == null)
                {
                    matched = any;
                }
                else
                {
                    matched.And(any);
                }
            }

            if (matched == null || matched.Cardinality == 0)
            {
                continue;
            }

            var millis = SegmentCache.For(segment).Millis;
            for (var doc = matched.NextSetBit(0); doc >= 0; doc = doc + 1 < matched.Length ? matched.NextSetBit(doc + 1) : -1)
            {
                var key = (millis[doc], leaf.DocBase + doc);
                if (best.Count < count)
                {
                    best.Enqueue(key.Item2, key);
                }
                else if (best.TryPeek(out _, out var worst) && best.Comparer.Compare(key, worst) > 0)
                {
                    best.DequeueEnqueue(key.Item2, key);
                }
            }
        }

        var newest = new List<int>(best.Count);
        while (best.TryDequeue(out var doc, out _))
        {
            newest.Add(doc);
        }

        newest.Reverse();
        return newest;
    }
}
