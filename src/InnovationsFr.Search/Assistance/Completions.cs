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
        var query = new BooleanQuery();
        for (var i = 0; i < words.Length; i++)
        {
            var stems = FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, words[i]);
            var isPrefix = completingWord && i == words.Length - 1;
            if (isPrefix)
            {
                var folded = stems.Count == 1 ? Vocabulary.Fold(words[i][(words[i].LastIndexOfAny(['\'', '’']) + 1)..]) : "";
                if (folded.Length < MinTitlePrefix || !folded.All(char.IsLetterOrDigit))
                {
                    if (stems.Count == 0)
                    {
                        continue;
                    }

                    query.Add(new TermQuery(new Term(ArticleDocument.Title, stems[^1])), Occur.MUST);
                    continue;
                }

                // The stem of a whole word ("voiture" → "voitur"), or of the words it may become.
                var either = new BooleanQuery { { new TermQuery(new Term(ArticleDocument.Title, stems[0])), Occur.SHOULD } };
                foreach (var completion in completions.SelectMany(c => FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, c)).Distinct(StringComparer.Ordinal).Where(c => c != stems[0]))
                {
                    either.Add(new TermQuery(new Term(ArticleDocument.Title, completion)), Occur.SHOULD);
                }

                query.Add(either, Occur.MUST);
            }
            else
            {
                foreach (var stem in stems)
                {
                    query.Add(new TermQuery(new Term(ArticleDocument.Title, stem)), Occur.MUST);
                }
            }
        }

        if (query.Clauses.Count == 0)
        {
            yield break;
        }

        var newest = new Sort(new SortField(ArticleDocument.Published, SortFieldType.INT64, reverse: true));
        foreach (var hit in searcher.Search(query, null, Math.Min(limit, 3), newest).ScoreDocs)
        {
            var stored = ArticleDocument.Load(searcher, hit.Doc, ArticleDocument.LinkFields);
            yield return new Completion(stored.Title, CompletionKind.Title, null, stored.Slug, stored.Id);
        }
    }
}
