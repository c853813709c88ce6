using System.Globalization;

namespace InnovationsFr.Search;

/// <summary>
/// Relevance judgments of a test collection (query id → judged document ids with grades) and the
/// ranking metrics the evaluation prints. Unjudged documents count as non-relevant.
/// </summary>
public sealed class RelevanceJudgments
{
    private RelevanceJudgments(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> byQuery) => ByQuery = byQuery;

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByQuery { get; }

    /// <summary>Reads TREC-style "query&lt;TAB&gt;document&lt;TAB&gt;grade" lines (grades above 0 are relevant).</summary>
    public static RelevanceJudgments LoadQrels(string path)
    {
        var byQuery = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (number, parts) in Lines(path))
        {
            if (parts.Length < 3 || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade))
            {
                throw new FormatException($"{path}:{number}: expected query<TAB>document<TAB>grade");
            }

            if (grade > 0)
            {
                if (!byQuery.TryGetValue(parts[0], out var judged))
                {
                    byQuery[parts[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                judged[parts[1]] = grade;
            }
        }

        return new RelevanceJudgments(byQuery.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal));
    }

    /// <summary>The tab-separated fields of a judgments file's lines, with their line numbers (blank and # lines skipped).</summary>
    internal static IEnumerable<(int Number, string[] Parts)> Lines(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                yield return (number, line.Split('\t'));
            }
        }
    }

    /// <summary>Reciprocal rank of the first relevant document within the first k (0 when none).</summary>
    public static double ReciprocalRankAt(int k, IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged)
    {
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (judged.ContainsKey(ranked[i]))
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }

    /// <summary>nDCG at k with graded judgments: gain = grade (trec_eval's convention), discount log2(rank + 1).</summary>
    public static double NdcgAt(int k, IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged)
    {
        var dcg = ranked.Take(k).Select((id, i) => judged.TryGetValue(id, out var g) ? g / Math.Log2(i + 2) : 0).Sum();
        var ideal = judged.Values.OrderDescending().Take(k).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /// <summary>Share of the relevant documents found within the first k.</summary>
    public static double RecallAt(int k, IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged) =>
        judged.Count == 0 ? 0 : (double)ranked.Take(k).Count(judged.ContainsKey) / judged.Count;
}
