using System.Globalization;
using System.Text;
using Lucene.Net.Index;

namespace InnovationsFr.Search;

/// <summary>
/// The words readers may be offered, as the site writes them (lower case, accents kept): every
/// word of the articles (the terms of the words field, with the number of articles using each) and
/// of the tag labels (with the tag's article count). Built once per index version, on first need.
/// Serves "did you mean" (a typed word → its right spelling) and word completion.
/// </summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> _known;
    private readonly Dictionary<string, string> _bestByFolded;
    private readonly Dictionary<string, List<string>> _byStem;
    private readonly (string Folded, string Word, int Count)[] _sorted;

    private Vocabulary(Dictionary<string, int> known)
    {
        _known = known;
        var entries = known.Select(p => (Folded: Fold(p.Key), Word: p.Key, Count: p.Value)).ToList();
        _bestByFolded = entries
            .GroupBy(e => e.Folded, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Count).ThenBy(e => e.Word, StringComparer.Ordinal).First().Word, StringComparer.Ordinal);
        _byStem = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (_, word, _) in entries.OrderByDescending(e => e.Count).ThenBy(e => e.Word, StringComparer.Ordinal))
        {
            var stems = FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, word);
            if (stems.Count == 1)
            {
                if (!_byStem.TryGetValue(stems[0], out var words))
                {
                    _byStem[stems[0]] = words = [];
                }

                words.Add(word);
            }
        }

        _sorted = entries.OrderBy(e => e.Folded, StringComparer.Ordinal).ThenByDescending(e => e.Count).ToArray();
    }

    public int Count => _known.Count;

    /// <summary>Tags (key, label, count), most used first, with their labels' folded words: for completion.</summary>
    public IReadOnlyList<(string Key, string Label, int Count, string[] Words)> Tags { get; private init; } = [];

    public static Vocabulary Read(IndexReader reader, IEnumerable<(string Key, string Label, int Count)> tagLabels)
    {
        var tags = tagLabels.ToList();
        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        var terms = MultiFields.GetTerms(reader, ArticleDocument.Words);
        if (terms != null)
        {
            var iterator = terms.GetEnumerator();
            while (iterator.MoveNext())
            {
                var word = iterator.Term.Utf8ToString();
                if (word.Any(char.IsLetter))
                {
                    known[word] = iterator.DocFreq;
                }
            }
        }

        foreach (var (_, label, count) in tags)
        {
            foreach (var word in FrenchAnalysis.Analyze(FrenchAnalysis.Exact, label).Where(w => w.Any(char.IsLetter)))
            {
                known[word] = Math.Max(known.GetValueOrDefault(word), count);
            }
        }

        return new Vocabulary(known)
        {
            Tags = tags
                .OrderByDescending(t => t.Count)
                .ThenBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => (t.Key, t.Label, t.Count, Fold(t.Label).Split([' ', '-', '\'', '’'], StringSplitOptions.RemoveEmptyEntries)))
                .ToList(),
        };
    }

    /// <summary>Whether the site writes this word exactly so (lower case).</summary>
    public bool Knows(string word) => _known.ContainsKey(word);

    /// <summary>How many articles use the word (0 if unknown).</summary>
    public int CountOf(string word) => _known.GetValueOrDefault(word);

    /// <summary>The site's most used spelling of a word that differs only by accents ("securite" → "sécurité"), or null.</summary>
    public string? WithAccents(string word) => _bestByFolded.GetValueOrDefault(Fold(word));

    /// <summary>The site's spellings of a stem, most used first.</summary>
    public IReadOnlyList<string> SpellingsOf(string stem) => _byStem.TryGetValue(stem, out var words) ? words : [];

    /// <summary>The most used words starting like a prefix, accents ignored.</summary>
    public IEnumerable<(string Word, int Count)> Completions(string prefix, int limit)
    {
        var folded = Fold(prefix);
        if (folded.Length == 0)
        {
            return [];
        }

        var lo = 0;
        var hi = _sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(_sorted[mid].Folded, folded) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        // Sorted by folded form, then by count: the first entry of each folded form is its most used spelling.
        var best = new List<(string Word, int Count)>();
        string? previous = null;
        for (var i = lo; i < _sorted.Length && _sorted[i].Folded.StartsWith(folded, StringComparison.Ordinal); i++)
        {
            if (_sorted[i].Folded != previous)
            {
                best.Add((_sorted[i].Word, _sorted[i].Count));
                previous = _sorted[i].Folded;
            }
        }

        return best
            .OrderByDescending(m => m.Count)
            .ThenBy(m => m.Word.Length)
            .ThenBy(m => m.Word, StringComparer.Ordinal)
            .Take(limit);
    }

    /// <summary>Lower case without accents.</summary>
    public static string Fold(string word)
    {
        var decomposed = word.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c switch { 'œ' => "oe", 'æ' => "ae", _ => c.ToString() });
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}

/// <summary>
/// Keeps one vocabulary across index versions. Building it reads every word of the index (0.4 s
/// at 100k articles), too slow to redo for each near-real-time refresh (several a second while
/// editors publish): a reader of another version gets the kept vocabulary at once, and a new one is
/// built in the background from the newer reader, at most once a minute (<see cref="MinRebuildInterval"/>).
/// Suggestions and completions may so lag a publication by up to a minute; searches never do.
/// </summary>
internal sealed class VocabularyKeeper
{
    private readonly System.Threading.Lock _firstBuild = new();
    private Kept? _kept;
    private int _building;
    private long _lastStart = long.MinValue / 2;

    public TimeSpan MinRebuildInterval { get; init; } = TimeSpan.FromSeconds(60);

    public Vocabulary For(IndexReader reader, Func<Vocabulary> build)
    {
        var kept = Volatile.Read(ref _kept);
        if (kept == null)
        {
            lock (_firstBuild)
            {
                kept = _kept;
                if (kept == null)
                {
                    kept = new Kept(build(), new WeakReference<IndexReader>(reader));
                    Volatile.Write(ref _kept, kept);
                }
            }

            return kept.Value;
        }

        if ((!kept.From.TryGetTarget(out var from) || !ReferenceEquals(from, reader)) &&
            System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastStart)) >= MinRebuildInterval &&
            Interlocked.CompareExchange(ref _building, 1, 0) == 0)
        {
            Interlocked.Exchange(ref _lastStart, System.Diagnostics.Stopwatch.GetTimestamp());
            if (reader.TryIncRef())
            {
                _ = Task.Run(() =>
                {
                    try
                    {
                        Volatile.Write(ref _kept, new Kept(build(), new WeakReference<IndexReader>(reader)));
                    }
                    catch (ObjectDisposedException)
                    {
                        // The reader was closed under us (a rebuild swapped in): the next use starts again.
                    }
                    finally
                    {
                        reader.DecRef();
                        Volatile.Write(ref _building, 0);
                    }
                });
            }
            else
            {
                Volatile.Write(ref _building, 0);
            }
        }

        return kept.Value;
    }

    private sealed record Kept(Vocabulary Value, WeakReference<IndexReader> From);
}
