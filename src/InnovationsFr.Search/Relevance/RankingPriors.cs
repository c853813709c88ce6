using System.Globalization;

namespace InnovationsFr.Search;

/// <summary>
/// What judgments (editors' grades, or readers' clicks turned into grades) say of each article: how
/// much it answered in all, and which queries it answered, as their stems. A new query earns an
/// article the grades of the judged queries it shares words with (weighted Jaccard overlap of stems,
/// a stem weighing more the rarer it is among judged queries): the same article keeps answering the
/// same need, however the need is typed.
/// </summary>
internal sealed class RankingPriors
{
    // A stem's weight: rarer among the judged queries, more telling (log(1 + queries / queries with it)).
    private readonly Dictionary<string, double> _weights = new(StringComparer.Ordinal);

    // Every judged query of every article, numbered: its article, grade, stems (sorted) and summed stem weight.
    private readonly List<(string Article, float Grade, string[] Stems)> _judged = [];
    private readonly Dictionary<string, int[]> _judgedOf = new(StringComparer.Ordinal);
    private readonly double[] _judgedWeights;

    // Stem → the judged queries holding it: who to offer for a new query.
    private readonly Dictionary<string, List<int>> _postings = new(StringComparer.Ordinal);

    // Per top rubric: the share of its articles judged relevant, ×1,000 (some kinds of article answer more often).
    private readonly Dictionary<string, float> _rubrics;

    private RankingPriors(Dictionary<string, List<(string[] Stems, float Grade)>> byArticle, Dictionary<string, float> rubrics)
    {
        _rubrics = rubrics;
        var queries = new HashSet<string>(StringComparer.Ordinal);
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (article, judged) in byArticle)
        {
            var ids = new int[judged.Count];
            for (var i = 0; i < judged.Count; i++)
            {
                ids[i] = _judged.Count;
                _judged.Add((article, judged[i].Grade, judged[i].Stems));
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

                    list.Add(ids[i]);
                }
            }

            _judgedOf[article] = ids;
        }

        foreach (var (stem, count) in frequency)
        {
            _weights[stem] = Math.Log(1 + queries.Count / (double)count);
        }

        _judgedWeights = _judged.Select(j => j.Stems.Sum(Weight)).ToArray();
    }

    private double Weight(string stem) => _weights.TryGetValue(stem, out var weight) ? weight : Math.Log(1 + Math.Max(1, _weights.Count));

    /// <summary>A query's stems as the priors read them: sorted, their summed weight, and the weight each judged query shares with them.</summary>
    internal sealed record PriorQuery(List<string> Stems, double Weight, Dictionary<int, double> Shared);

    /// <summary>Reads a query's stems once for every article of a search (along the stems' postings: only judged queries sharing a stem are touched).</summary>
    public PriorQuery Prepare(IReadOnlyCollection<string> stems)
    {
        var sorted = stems.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var shared = new Dictionary<int, double>();
        foreach (var stem in sorted)
        {
            if (_postings.TryGetValue(stem, out var list))
            {
                var weight = Weight(stem);
                foreach (var judged in list)
                {
                    shared[judged] = shared.GetValueOrDefault(judged) + weight;
                }
            }
        }

        return new PriorQuery(sorted, sorted.Sum(Weight), shared);
    }

    /// <summary>Weighted Jaccard overlap of a prepared query with judged query <paramref name="judged"/>: what both hold over what either holds.</summary>
    private double Overlap(PriorQuery query, int judged) =>
        query.Shared.TryGetValue(judged, out var common) ? common / (query.Weight + _judgedWeights[judged] - common) : 0;

    /// <summary>
    /// The articles judged for queries most like this one (best grade × overlap, at least
    /// <paramref name="minimum"/>), best first: candidates the first stage may have missed.
    /// </summary>
    public List<string> Suggest(PriorQuery query, int count, double minimum)
    {
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var judged in query.Shared.Keys)
        {
            var (article, grade, _) = _judged[judged];
            var score = grade * Overlap(query, judged);
            if (score >= minimum && score > best.GetValueOrDefault(article))
            {
                best[article] = score;
            }
        }

        return best.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(count).Select(e => e.Key).ToList();
    }

    public List<string> Suggest(IReadOnlyCollection<string> stems, int count, double minimum) => Suggest(Prepare(stems), count, minimum);

    /// <summary>Articles some judgment names.</summary>
    public int Count => _judgedOf.Count;

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
        UserQuery.Parse(query).WantedStems.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// For an article and a query's stems: log(1 + its grades), the best grade × overlap of a query it
    /// answered, log(1 + the sum of those), and how much of the query the queries it answered cover
    /// together (each stem weighted, saturating as BM25's term frequency does: c / (c + 1)).
    /// </summary>
    public (float Article, float Best, float Sum, float Coverage) Of(string article, PriorQuery query)
    {
        if (!_judgedOf.TryGetValue(article, out var judged))
        {
            return (0, 0, 0, 0);
        }

        double total = 0, best = 0, sum = 0;
        foreach (var id in judged)
        {
            var grade = _judged[id].Grade;
            total += grade;
            var overlap = Overlap(query, id);
            best = Math.Max(best, grade * overlap);
            sum += grade * overlap;
        }

        double covered = 0;
        foreach (var stem in query.Stems)
        {
            double count = 0;
            foreach (var id in judged)
            {
                if (Array.BinarySearch(_judged[id].Stems, stem, StringComparer.Ordinal) >= 0)
                {
                    count += _judged[id].Grade;
                }
            }

            covered += Weight(stem) * count / (count + 1);
        }

        return ((float)Math.Log(1 + total), (float)best, (float)Math.Log(1 + sum), query.Weight == 0 ? 0 : (float)(covered / query.Weight));
    }

    public (float Article, float Best, float Sum, float Coverage) Of(string article, IReadOnlyCollection<string> stems) => Of(article, Prepare(stems));

    /// <summary>One line per judged query of an article: article, grade, stems (space-separated).</summary>
    public void Write(TextWriter writer)
    {
        foreach (var (rubric, share) in _rubrics.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{RubricLine}\t{share:R}\t{rubric}"));
        }

        foreach (var (article, judged) in _judgedOf.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var (_, grade, stems) in judged.Select(id => _judged[id]))
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
