namespace InnovationsFr.Search;

/// <summary>A judgment: a query as readers type it, an article, and how well it answers (0 none, 1 relevant, 2 the answer…).</summary>
public sealed record RankingJudgment(string Query, string Article, float Grade)
{
    /// <summary>
    /// Reads "query&lt;TAB&gt;article&lt;TAB&gt;grade" lines (grades 0 to 10; blank and # lines skipped).
    /// With <paramref name="queryTexts"/>, the first column is a query id (TREC qrels) looked up there.
    /// </summary>
    public static List<RankingJudgment> Load(string path, IReadOnlyDictionary<string, string>? queryTexts = null)
    {
        var judgments = new List<RankingJudgment>();
        foreach (var (number, parts) in RelevanceJudgments.Lines(path))
        {
            if (parts.Length < 3 || !float.TryParse(parts[2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var grade) || grade is < 0 or > 10)
            {
                throw new FormatException($"{path}:{number}: expected query<TAB>article<TAB>grade (a grade from 0 to 10)");
            }

            var query = parts[0];
            if (queryTexts != null && !queryTexts.TryGetValue(parts[0], out query))
            {
                throw new FormatException($"{path}:{number}: query id '{parts[0]}' is not among the queries given");
            }

            judgments.Add(new RankingJudgment(query, parts[1], grade));
        }

        return judgments;
    }
}

/// <summary>
/// Learns a <see cref="RankingModel"/> from judgments over an index: each judged query is searched as
/// the service searches it, its first <see cref="RankingModel.Depth"/> candidates get their features,
/// and the trees learn to put the judged articles first. Priors are learnt out of fold: the queries
/// are split into needs (queries judged with the same articles are one need, typed differently) and
/// five folds of needs; for half the needs of a fold, the prior features come only from the other
/// folds' judgments, so the model learns how far a prior from <em>other</em> queries can be trusted
/// (all it has for a need it never saw); for the other half their own judgments count too, as for a
/// query judged or clicked before and typed again (learnt without them, a model had the judged answer
/// of a repeated query ranked last: it had never seen a prior that strong).
/// </summary>
public static class RankingLearner
{
    private const int Folds = 5;

    public static RankingModel Learn(SearchIndex index, IReadOnlyList<RankingJudgment> judgments, bool withPriors, RankingTraining? training = null, TextWriter? log = null)
    {
        var byQuery = judgments
            .GroupBy(j => j.Query, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(j => j.Article, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Max(j => j.Grade), StringComparer.Ordinal), StringComparer.Ordinal);
        if (byQuery.Count == 0)
        {
            throw new ArgumentException("no judgments to learn from");
        }

        var needOf = byQuery.ToDictionary(
            q => q.Key,
            q => StableHash(string.Join('\u001f', q.Value.Where(a => a.Value > 0).Select(a => a.Key).Order(StringComparer.Ordinal))),
            StringComparer.Ordinal);
        var foldOf = needOf.ToDictionary(q => q.Key, q => (int)(q.Value % Folds), StringComparer.Ordinal);
        // Half the needs of a fold are "seen": their own judgments are in their priors, as a query
        // judged (or clicked) before and typed again is in production; the other half are new.
        var seen = needOf.Where(q => (q.Value / Folds) % 2 == 0).Select(q => q.Key).ToHashSet(StringComparer.Ordinal);
        var census = withPriors ? index.RubricCensus() : null;
        var examples = new List<RankingExample>();
        var judgedFound = 0;
        for (var fold = 0; fold < Folds; fold++)
        {
            var priors = withPriors
                ? RankingPriors.From(judgments.Where(j => foldOf[j.Query] != fold || seen.Contains(j.Query)).Select(j => (j.Query, j.Article, j.Grade)), census)
                : null;
            foreach (var (query, grades) in byQuery.Where(q => foldOf[q.Key] == fold))
            {
                foreach (var (article, features) in index.RankingCandidates(query, priors))
                {
                    var grade = grades.GetValueOrDefault(article);
                    judgedFound += grade > 0 ? 1 : 0;
                    examples.Add(new RankingExample(query, article, Math.Max(0, grade), features));
                }
            }
        }

        log?.WriteLine($"{byQuery.Count} queries, {examples.Count} candidates, {judgedFound} of them judged relevant");
        var all = withPriors ? RankingPriors.From(judgments.Select(j => (j.Query, j.Article, j.Grade)), census) : null;
        return RankingModel.Learn(examples, all, training ?? new RankingTraining());
    }

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
