namespace InnovationsFr.Search;

/// <summary>Judged related articles (source → related id and grade) and the metrics an ablation prints.</summary>
public sealed class RelatedJudgments
{
    private RelatedJudgments(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> bySource) => BySource = bySource;

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> BySource { get; }

    /// <summary>Reads "source&lt;TAB&gt;id:grade,id:grade" lines; '#' starts a comment.</summary>
    public static RelatedJudgments Load(string path)
    {
        var bySource = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split('\t');
            bySource[parts[0]] = parts[1].Split(',')
                .Select(p => p.Split(':'))
                .ToDictionary(p => p[0], p => p.Length > 1 ? int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture) : 1, StringComparer.Ordinal);
        }

        return new RelatedJudgments(bySource);
    }

    /// <summary>Precision at k: the share of the first k that are judged related (fewer results count as misses).</summary>
    public static double PrecisionAt(int k, IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged) =>
        (double)ranked.Take(k).Count(judged.ContainsKey) / k;

    /// <summary>nDCG at k with graded judgments (gain 2^grade − 1).</summary>
    public static double NdcgAt(int k, IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged)
    {
        static double Gain(int grade) => Math.Pow(2, grade) - 1;
        var dcg = ranked.Take(k).Select((id, i) => judged.TryGetValue(id, out var g) ? Gain(g) / Math.Log2(i + 2) : 0).Sum();
        var ideal = judged.Values.OrderDescending().Take(k).Select((g, i) => Gain(g) / Math.Log2(i + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }
}
