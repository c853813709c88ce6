using System.Globalization;

namespace InnovationsFr.Search;

/// <summary>
/// What judgments (editors' grades, or readers' clicks turned into grades) say of each article: how
/// much it answered in all, and which queries it answered, as their stems. A new query earns an
/// article the grades of the judged queries it shares words with (Jaccard overlap of stems): the
/// same article keeps answering the same need, however the need is typed.
/// </summary>
internal sealed class RankingPriors
{
    private readonly Dictionary<string, List<(string[] Stems, float Grade)>> _byArticle;

    // A stem's weight: rarer among the judged queries, more telling (log(1 + queries / queries with it)).
    private readonly Dictionary<string, double> _weights = new(StringComparer.Ordinal);

    // Stem → the judged queries holding it, as (article, index in its list): who to offer for a new query.
    private readonly Dictionary<string, List<(string Article, int Judged)>> _postings = new(StringComparer.Ordinal);

    // Per top rubric: the share of its articles judged relevant, ×1,000 (some kinds of article answer more often).
    private readonly Dictionary<string, float> _rubrics;

    private RankingPriors(Dictionary<string, List<(string[] Stems, float Grade)>> byArticle, Dictionary<string, float> rubrics)
    {
        _byArticle = byArticle;
        _rubrics = rubrics;
        var queries = new HashSet<string>(StringComparer.Ordinal);
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (article, judged) in byArticle)
        {
            for (var i = 0; i < judged.Count; i++)
            {
                if (queries.Add(string.Join(' ', judged[i].Stems)))
                {
                    foreach (var stem in judged[i].Stems)
                    {
                        frequency[stem] = frequency.GetValueOrDefault(stem) + 1;
                    }
                }

                foreach (var stem in judged[i].Stems)
                {
                    if (!_postings.TryGetValue(stem, out var list))
                    {
                        list = _postings[stem] = [];
                    }

                    list.Add((article, i));
                }
            }
        }

        foreach (var (stem, count) in frequency)
        {
            _weights[stem] = Math.Log(1 + queries.Count / (double)count);
        }
    }

    private double Weight(string stem) => _weights.TryGetValue(stem, out var weight) ? weight : Math.Log(1 + Math.Max(1, _weights.Count));

    /// <summary>Weighted Jaccard overlap of a query's stems (sorted, distinct) with a judged query's.</summary>
    private double Overlap(IReadOnlyList<string> stems, double stemsWeight, string[] judged)
    {
        double shared = 0, union = stemsWeight;
        foreach (var stem in judged)
        {
            var weight = Weight(stem);
            if (Contains(stems, stem))
            {
                shared += weight;
            }
            else
            {
                union += weight;
            }
        }

        return union == 0 ? 0 : shared / union;
    }

    private static bool Contains(IReadOnlyList<string> sorted, string stem)
    {
        int low = 0, high = sorted.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >> 1;
            var order = string.CompareOrdinal(sorted[middle], stem);
            if (order == 0)
            {
                return true;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }

    /// <summary>
    /// The articles judged for queries most like this one (best grade × overlap, at least
    /// <paramref name="minimum"/>), best first: candidates the first stage may have missed.
    /// </summary>
    public List<string> Suggest(IReadOnlyCollection<string> stems, int count, double minimum)
    {
        var sorted = stems.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var stemsWeight = sorted.Sum(Weight);
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        var seen = new HashSet<(string, int)>();
        foreach (var stem in sorted)
        {
            if (!_postings.TryGetValue(stem, out var list))
            {
                continue;
            }

            foreach (var (article, index) in list)
            {
                if (!seen.Add((article, index)))
                {
                    continue;
                }

                var (judged, grade) = _byArticle[article][index];
                var score = grade * Overlap(sorted, stemsWeight, judged);
                if (score >= minimum && score > best.GetValueOrDefault(article))
                {
                    best[article] = score;
                }
            }
        }

        return best.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(count).Select(e => e.Key).ToList();
    }

    /// <summary>Articles some judgment names.</summary>
    public int Count => _byArticle.Count;

    /// <summary>
    /// From judgments: a query's text, an article and its grade (grades of 0 or less say nothing of an
    /// article and are left out); with the top rubric of each article and each rubric's article count, when known.
    /// </summary>
    public static RankingPriors From(IEnumerable<(string Query, string Article, float Grade)> judgments, RubricCensus? census = null)
    {
        var stemsOf = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var byArticle = new Dictionary<string, List<(string[], float)>>(StringComparer.Ordinal);
        foreach (var (query, article, grade) in judgments)
        {
            if (grade <= 0)
            {
                continue;
            }

            if (!stemsOf.TryGetValue(query, out var stems))
            {
                stems = stemsOf[query] = Stems(query);
            }

            if (!byArticle.TryGetValue(article, out var list))
            {
                list = byArticle[article] = [];
            }

            list.Add((stems, grade));
        }

        var rubrics = new Dictionary<string, float>(StringComparer.Ordinal);
        if (census != null)
        {
            foreach (var group in byArticle.Keys.Select(census.RubricOf).Where(r => r != null).GroupBy(r => r!, StringComparer.Ordinal))
            {
                rubrics[group.Key] = 1_000f * group.Count() / Math.Max(1, census.Articles.GetValueOrDefault(group.Key));
            }
        }

        return new RankingPriors(byArticle, rubrics);
    }

    /// <summary>The share (×1,000) of a top rubric's articles judgments name, 0 when none.</summary>
    public float OfRubric(string rubric) => _rubrics.GetValueOrDefault(rubric);

    /// <summary>The distinct stems of a query's wanted words, sorted.</summary>
    public static string[] Stems(string query) =>
        UserQuery.Parse(query).Parts.Where(p => !p.Excluded).SelectMany(p => p.Stems).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// For an article and a query's stems: log(1 + its grades), the best grade × overlap of a query it
    /// answered, log(1 + the sum of those), and how much of the query the queries it answered cover
    /// together (each stem weighted, saturating as BM25's term frequency does: c / (c + 1)).
    /// </summary>
    public (float Article, float Best, float Sum, float Coverage) Of(string article, IReadOnlyCollection<string> stems)
    {
        if (!_byArticle.TryGetValue(article, out var judged))
        {
            return (0, 0, 0, 0);
        }

        var sorted = stems.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var stemsWeight = sorted.Sum(Weight);
        double total = 0, best = 0, sum = 0;
        foreach (var (judgedStems, grade) in judged)
        {
            total += grade;
            if (sorted.Count == 0 || judgedStems.Length == 0)
            {
                continue;
            }

            var overlap = Overlap(sorted, stemsWeight, judgedStems);
            best = Math.Max(best, grade * overlap);
            sum += grade * overlap;
        }

        double covered = 0;
        foreach (var stem in sorted)
        {
            double count = 0;
            foreach (var (judgedStems, grade) in judged)
            {
                if (Array.BinarySearch(judgedStems, stem, StringComparer.Ordinal) >= 0)
                {
                    count += grade;
                }
            }

            covered += Weight(stem) * count / (count + 1);
        }

        return ((float)Math.Log(1 + total), (float)best, (float)Math.Log(1 + sum), stemsWeight == 0 ? 0 : (float)(covered / stemsWeight));
    }

    /// <summary>One line per judged query of an article: article, grade, stems (space-separated).</summary>
    public void Write(TextWriter writer)
    {
        foreach (var (rubric, share) in _rubrics.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{RubricLine}\t{share:R}\t{rubric}"));
        }

        foreach (var (article, judged) in _byArticle.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var (stems, grade) in judged)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{article}\t{grade:R}\t{string.Join(' ', stems)}"));
            }
        }
    }

    public static RankingPriors Read(TextReader reader)
    {
        var byArticle = new Dictionary<string, List<(string[], float)>>(StringComparer.Ordinal);
        var rubrics = new Dictionary<string, float>(StringComparer.Ordinal);
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var fields = text.Split('\t');
            if (fields.Length != 3 || !float.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var grade))
            {
                throw new FormatException($"priors line {line}: expected article, grade and stems separated by tabs");
            }

            if (fields[0] == RubricLine)
            {
                rubrics[fields[2]] = grade;
                continue;
            }

            if (!byArticle.TryGetValue(fields[0], out var list))
            {
                list = byArticle[fields[0]] = [];
            }

            list.Add((fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray(), grade));
        }

        return new RankingPriors(byArticle, rubrics);
    }

    /// <summary>Marks a rubric's line in the priors file (no article id holds a control character).</summary>
    private const string RubricLine = "\u0001rubric";
}

/// <summary>Each article's top rubric, and how many articles each top rubric holds.</summary>
internal sealed record RubricCensus(Func<string, string?> RubricOf, IReadOnlyDictionary<string, int> Articles);
