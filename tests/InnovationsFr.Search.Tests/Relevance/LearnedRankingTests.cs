using InnovationsFr.Search;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search.Tests.Relevance;

/// <summary>
/// A learned ranking (LambdaMART over <see cref="RankingFeatures"/>): it learns what judgments reward
/// and carries it to queries it never saw; its file round-trips and reloads; pages and cursors stay
/// consistent when it re-orders; its features are Lucene's own scores.
/// </summary>
public sealed class LearnedRankingTests : IDisposable
{
    // Each topic: two words, a long "dossier" that judgments say answers them, and four short
    // "brèves" full of them that BM25 prefers (length normalisation): the first stage gets it wrong
    // the same way for every topic, which a model can learn from some topics and apply to others.
    private static readonly string[] Words =
    [
        "batterie", "satellite", "processeur", "robot", "capteur", "fusée", "algorithme", "silicium", "orbite", "réseau",
        "serveur", "écran", "antenne", "drone", "laser", "fibre", "puce", "moteur", "turbine", "hydrogène",
        "nuage", "clavier", "radar", "sonde", "télescope", "microscope", "pile", "câble", "routeur", "logiciel",
        "tablette", "caméra", "aimant", "plasma", "réacteur", "éolienne", "barrage", "vaccin", "génome", "cellule",
        "protéine", "enzyme", "neurone", "cristal", "quartz", "lithium", "cobalt", "nickel", "graphène", "photon",
        "électron", "neutron", "atome", "molécule", "polymère", "plastique", "verre", "acier", "béton", "bois",
    ];

    private const int Topics = 30;
    private const int Learnt = 20;

    private static readonly string Filler = string.Join(' ', Enumerable.Repeat("Un long dossier qui explique le contexte, les acteurs, les chiffres et les enjeux du sujet pour les lecteurs.", 12));

    private readonly TestIndex _index = new(Articles());

    private static (string First, string Second) Topic(int t) => (Words[2 * t], Words[2 * t + 1]);

    private static IEnumerable<Article> Articles()
    {
        for (var t = 0; t < Topics; t++)
        {
            var (a, b) = Topic(t);
            yield return TestIndex.Article($"dossier-{t}", $"Le dossier : {a}", $"{Filler} Il y est question de {a} et de {b}. {Filler}", "2024-01-01T10:00:00+01:00");
            for (var s = 0; s < 4; s++)
            {
                yield return TestIndex.Article($"breve-{t}-{s}", $"Brève {s} : {a} et {b}", $"{a} {b}, {a} et {b} encore.", "2024-01-01T10:00:00+01:00");
            }
        }

        // Articles of none of the topics, all with one word: a query with it matches more than a head.
        for (var c = 0; c < 110; c++)
        {
            yield return TestIndex.Article($"chronique-{c}", $"Chronique {c}", "Une chronique du lundi.", "2023-06-01T10:00:00+01:00");
        }
    }

    private static List<RankingJudgment> Judgments(int topics) => Enumerable.Range(0, topics)
        .SelectMany(t => new[] { $"{Topic(t).First} {Topic(t).Second}", $"{Topic(t).Second} {Topic(t).First}" }.Select(q => new RankingJudgment(q, $"dossier-{t}", 2)))
        .ToList();

    private static RankingTraining Small => new() { Trees = 30, Leaves = 4, MinimumExamplesPerLeaf = 2 };

    private string TopFor(int topic) => _index.Index.Search(new SearchRequest { Query = $"{Topic(topic).First} {Topic(topic).Second}", FacetLimit = 0 }).Hits[0].Id;

    [Fact]
    public void AModelLearntOnSomeTopics_PutsTheirKindOfAnswerFirst_OnTopicsItNeverSaw()
    {
        var unseen = Enumerable.Range(Learnt, Topics - Learnt).ToList();
        var firstStage = unseen.Count(t => TopFor(t) == $"dossier-{t}");

        var model = RankingLearner.Learn(_index.Index, Judgments(Learnt), withPriors: false, Small);
        var path = Path.Combine(_index.Root, "ranking-model.zip");
        model.Save(path);
        using var ranked = new SearchIndex(_index.Folder) { Ranking = new RankingModelFile(path) };
        ranked.Open();
        var learnt = unseen.Count(t => ranked.Search(new SearchRequest { Query = $"{Topic(t).First} {Topic(t).Second}", FacetLimit = 0 }).Hits[0].Id == $"dossier-{t}");

        Assert.True(firstStage <= 2, $"the first stage already put {firstStage} of {unseen.Count} dossiers first: nothing to learn");
        Assert.True(learnt >= unseen.Count - 1, $"with the model, {learnt} of {unseen.Count} unseen topics have their dossier first");
    }

    [Fact]
    public void ModelFile_RoundTrips_AndAFileThatIsNotAModel_LeavesTheLastGoodOneInForce()
    {
        var model = RankingLearner.Learn(_index.Index, Judgments(Learnt), withPriors: true, Small);
        var path = Path.Combine(_index.Root, "model.zip");
        model.Save(path);
        var file = new RankingModelFile(path, TimeSpan.Zero);
        var loaded = Assert.IsType<RankingModel>(file.Current);
        Assert.Equal(model.Fingerprint, loaded.Fingerprint);
        Assert.Equal(model.PriorArticles, loaded.PriorArticles);
        var rows = new[] { Enumerable.Range(0, RankingFeatures.Names.Length).Select(i => (float)i).ToArray(), new float[RankingFeatures.Names.Length] };
        Assert.Equal(model.Score(rows), loaded.Score(rows));
        // Scored at once, each with its own prediction engine from the pool.
        var expected = loaded.ScoreByEngine(rows);
        var concurrent = new float[64][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = loaded.ScoreByEngine(rows));
        Assert.All(concurrent, scores => Assert.Equal(expected, scores));

        File.WriteAllText(path, "pas un modèle");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        Assert.Same(loaded, file.Current);
        Assert.Contains("not a ranking model", file.Problem);

        File.Delete(path);
        Assert.Null(file.Current);
        Assert.Null(file.Problem);
        Assert.Throws<FormatException>(() => RankingModel.Load(WriteZipOfOtherFeatures(path)));
    }

    [Fact]
    public void TheTreesWalkedForSearches_ScoreEveryRowAsMLNetsOwnEngine()
    {
        var model = RankingLearner.Learn(_index.Index, Judgments(Learnt), withPriors: true, Small);
        var path = Path.Combine(_index.Root, "walked.zip");
        model.Save(path);
        var loaded = RankingModel.Load(path);
        Assert.True(model.Trees != null && loaded.Trees != null);

        // Real candidates, random rows, and rows standing exactly on each split's threshold (≤ goes left).
        var rows = Enumerable.Range(0, Topics)
            .SelectMany(t => _index.Index.RankingCandidates($"{Topic(t).First} {Topic(t).Second}", loaded.Priors).Select(c => c.Features))
            .ToList();
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            rows.Add([.. Enumerable.Range(0, RankingFeatures.Names.Length).Select(_ => (float)(random.NextDouble() * 20 - 2))]);
        }

        var splits = loaded.Trees!.Splits.ToList();
        Assert.NotEmpty(splits);
        foreach (var (feature, threshold) in splits)
        {
            var row = (float[])rows[random.Next(rows.Count)].Clone();
            row[feature] = threshold;
            rows.Add(row);
        }

        var all = rows.ToArray();
        Assert.Equal(loaded.ScoreByEngine(all), loaded.Score(all));
        Assert.Equal(model.ScoreByEngine(all), model.Score(all));
        Assert.Equal(model.Score(all), loaded.Score(all));
    }

    private static string WriteZipOfOtherFeatures(string path)
    {
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("features.txt").Open());
            writer.Write("first_stage_score\nsomething_else\n");
        }

        return path;
    }

    [Fact]
    public void ReorderedPages_ByNumberAndByCursor_ShowTheSameArticlesOnce_AndTheModelExpiresOldCursors()
    {
        var path = Path.Combine(_index.Root, "pages-model.zip");
        RankingLearner.Learn(_index.Index, Judgments(Learnt), withPriors: true, Small).Save(path);
        using var ranked = new SearchIndex(_index.Folder) { Ranking = new RankingModelFile(path, TimeSpan.Zero) };
        ranked.Open();
        var request = new SearchRequest { Query = "dossier encore batterie satellite", Size = 7, FacetLimit = 0 };
        var total = ranked.Search(request).Total;
        Assert.True(total > 110, "the query must match past the re-ordered head");

        var byNumber = new List<string>();
        for (var page = 1; page <= 20; page++)
        {
            byNumber.AddRange(ranked.Search(request with { Page = page }).Hits.Select(h => h.Id));
        }

        var byCursor = new List<string>();
        var answer = ranked.Search(request);
        byCursor.AddRange(answer.Hits.Select(h => h.Id));
        while (answer.NextCursor is { } cursor && byCursor.Count < byNumber.Count)
        {
            answer = ranked.Search(request with { Cursor = cursor });
            byCursor.AddRange(answer.Hits.Select(h => h.Id));
        }

        Assert.Equal(byNumber, byCursor);
        Assert.Equal(byNumber.Count, byNumber.Distinct().Count());
        // The same articles as the first stage's, in another order.
        var plain = new List<string>();
        for (var page = 1; page <= 20; page++)
        {
            plain.AddRange(_index.Index.Search(request with { Page = page }).Hits.Select(h => h.Id));
        }

        Assert.Equal(plain.Order(), byNumber.Order());
        Assert.NotEqual(plain, byNumber);

        // A new model: cursors of the old one have expired.
        var stale = ranked.Search(request).NextCursor!;
        RankingLearner.Learn(_index.Index, Judgments(Learnt / 2), withPriors: false, Small).Save(path);
        var error = Assert.Throws<InvalidCursorException>(() => ranked.Search(request with { Cursor = stale }));
        Assert.Contains("expired", error.Message);
    }

    [Fact]
    public void ArticlesTheJudgmentsSuggest_JoinTheHeadOnlyWhenTheyMatch_AndNeverUnderAFilter()
    {
        // Judged for "batterie satellite": dossier-0 matches it, breve-5-0 (other words) does not.
        var path = Path.Combine(_index.Root, "suggest-model.zip");
        RankingLearner.Learn(_index.Index, [.. Judgments(Learnt), new RankingJudgment("batterie satellite", "breve-5-0", 2)], withPriors: true, Small).Save(path);
        using var ranked = new SearchIndex(_index.Folder) { Ranking = new RankingModelFile(path) };
        ranked.Open();

        // More than a head of matches (110 chroniques), so judged articles may be brought in: the one
        // that matches is, the one that does not is not, and the total is the first stage's.
        var request = new SearchRequest { Query = "chronique batterie satellite", Size = 100, FacetLimit = 0 };
        var page = ranked.Search(request);
        Assert.Contains(page.Hits, h => h.Id == "dossier-0");
        Assert.DoesNotContain(page.Hits, h => h.Id == "breve-5-0");
        Assert.Equal(_index.Index.Search(request).Total, page.Total);

        // Under a filter, nothing the filter leaves out is shown, whatever the judgments say.
        var filtered = ranked.Search(request with { From = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        Assert.Equal(0, filtered.Total);
        Assert.Empty(filtered.Hits);
    }

    [Fact]
    public void PagingByCursorPastTheHead_LeavesOutTheSuggestedArticles_WithoutShortPages()
    {
        // chronique-109 ties with the other chroniques and comes last among them, before the 120 brèves
        // ("encore"); judged for the query, it joins the head, and the pages after it must step over it.
        var path = Path.Combine(_index.Root, "late-model.zip");
        RankingLearner.Learn(_index.Index, [.. Judgments(Learnt), new RankingJudgment("chronique lundi encore", "chronique-109", 2)], withPriors: true, Small).Save(path);
        using var ranked = new SearchIndex(_index.Folder) { Ranking = new RankingModelFile(path) };
        ranked.Open();
        var request = new SearchRequest { Query = "chronique lundi encore", Size = 7, FacetLimit = 0 };
        var total = ranked.Search(request).Total;

        var byNumber = new List<string>();
        for (var page = 1; byNumber.Count < total; page++)
        {
            byNumber.AddRange(ranked.Search(request with { Page = page }).Hits.Select(h => h.Id));
        }

        var byCursor = new List<string>();
        var answer = ranked.Search(request);
        byCursor.AddRange(answer.Hits.Select(h => h.Id));
        while (answer.NextCursor is { } cursor)
        {
            answer = ranked.Search(request with { Cursor = cursor });
            byCursor.AddRange(answer.Hits.Select(h => h.Id));
        }

        Assert.Contains("chronique-109", byNumber.Take(RankingModel.Depth + RankingModel.Suggested));
        Assert.Equal(total, byNumber.Count);
        Assert.Equal(byNumber, byCursor);
    }

    [Fact]
    public void FieldFeatures_AreLucenesOwnScores()
    {
        using var lease = _index.Index.BorrowForTests();
        var searcher = lease.Searcher;
        var (word, _) = Topic(3);
        var stem = FrenchAnalysis.Tokens(word).Single();
        var top = searcher.Search(new TermQuery(new Term(ArticleDocument.Body, stem)), 20).ScoreDocs;
        var (rows, ids) = RankingFeatures.Compute(searcher, UserQuery.Parse(word), top, typoTolerant: false, lease.Facts.NewestMillis, priors: null);

        var body = Array.IndexOf(RankingFeatures.Names, "body_bm25");
        var title = Array.IndexOf(RankingFeatures.Names, "title_bm25");
        var titleScores = searcher.Search(new TermQuery(new Term(ArticleDocument.Title, stem)), 100).ScoreDocs.ToDictionary(d => d.Doc, d => d.Score);
        for (var i = 0; i < top.Length; i++)
        {
            Assert.Equal(top[i].Score, rows[i][body]);
            Assert.Equal(titleScores.GetValueOrDefault(top[i].Doc), rows[i][title]);
            Assert.StartsWith(ids[i].StartsWith("dossier", StringComparison.Ordinal) ? "dossier-3" : "breve-3-", ids[i]);
        }
    }

    [Fact]
    public void PhraseFeatures_AreLucenesOwnPhraseScores_ReadOnlyWhereAPhraseCanMatch()
    {
        using var index = new TestIndex([
            TestIndex.Article("titre", "La voiture électrique de demain", "Un texte sur la route.", "2024-01-01T10:00:00+01:00"),
            TestIndex.Article("exacte", "Transports", "On parle ici de voiture électrique et de bornes.", "2024-01-01T10:00:00+01:00"),
            TestIndex.Article("proche", "Transports", "Une voiture, dit-on, nettement plus électrique.", "2024-01-01T10:00:00+01:00"),
            TestIndex.Article("loin", "Transports", "La voiture roule. " + string.Join(' ', Enumerable.Repeat("Du texte sans rapport.", 6)) + " Le réseau électrique suit.", "2024-01-01T10:00:00+01:00"),
            TestIndex.Article("seule", "Voiture", "Une voiture, rien de plus.", "2024-01-01T10:00:00+01:00"),
            TestIndex.Article("inverse", "Électrique voiture", "Électrique et voiture, voiture électrique aussi.", "2024-01-01T10:00:00+01:00"),
        ]);
        using var lease = index.Index.BorrowForTests();
        var searcher = lease.Searcher;
        var stems = FrenchAnalysis.Tokens("voiture électrique").ToList();
        var any = new BooleanQuery();
        foreach (var stem in stems)
        {
            any.Add(new TermQuery(new Term(ArticleDocument.Body, stem)), Occur.SHOULD);
            any.Add(new TermQuery(new Term(ArticleDocument.Title, stem)), Occur.SHOULD);
        }

        var candidates = searcher.Search(any, 100).ScoreDocs;
        Assert.Equal(6, candidates.Length);
        var (rows, ids) = RankingFeatures.Compute(searcher, UserQuery.Parse("voiture électrique"), candidates, typoTolerant: false, lease.Facts.NewestMillis, priors: null);

        foreach (var (feature, field, slop) in new[] { ("title_phrase", ArticleDocument.Title, 0), ("body_phrase", ArticleDocument.Body, 0), ("body_near", ArticleDocument.Body, 6) })
        {
            var phrase = new PhraseQuery { Slop = slop };
            stems.ForEach(stem => phrase.Add(new Term(field, stem)));
            var lucene = searcher.Search(phrase, 100).ScoreDocs.ToDictionary(d => d.Doc, d => d.Score);
            Assert.NotEmpty(lucene);
            var column = Array.IndexOf(RankingFeatures.Names, feature);
            for (var i = 0; i < candidates.Length; i++)
            {
                Assert.True(lucene.GetValueOrDefault(candidates[i].Doc) == rows[i][column], $"{feature} of {ids[i]}: {rows[i][column]}, Lucene {lucene.GetValueOrDefault(candidates[i].Doc)}");
            }
        }

        var near = Array.IndexOf(RankingFeatures.Names, "body_near");
        var exact = Array.IndexOf(RankingFeatures.Names, "body_phrase");
        string[] Having(int column) => [.. ids.Where((_, i) => rows[i][column] > 0).Order()];
        Assert.Equal(["exacte", "inverse"], Having(exact));
        Assert.Equal(["exacte", "inverse", "proche"], Having(near));
    }

    [Fact]
    public void Priors_RewardArticlesJudgedForQueriesLikeThisOne()
    {
        var priors = RankingPriors.From([
            ("congé maternité durée", "mat", 2),
            ("congés de maternité", "mat", 1),
            ("rupture conventionnelle", "rupture", 2),
            ("indemnité de rupture", "rupture", 1),
            ("rien", "zero", 0),
        ]);
        var stems = RankingPriors.Stems("durée du congé de maternité");

        var (article, best, _, coverage) = priors.Of("mat", stems);
        Assert.True(article > 0 && best > 0.5 && coverage > 0);
        // Judged, but for other needs: its own prior only.
        Assert.Equal((MathF.Log(4), 0f, 0f, 0f), priors.Of("rupture", stems));
        Assert.Equal((0f, 0f, 0f, 0f), priors.Of("zero", stems));
        Assert.Equal(["mat"], priors.Suggest(stems, 5, 0.25));

        var text = new StringWriter();
        priors.Write(text);
        var read = RankingPriors.Read(new StringReader(text.ToString()));
        Assert.Equal(priors.Of("mat", stems), read.Of("mat", stems));
        Assert.Throws<FormatException>(() => RankingPriors.Read(new StringReader("mat\tdeux\tcong")));
    }

    [Fact]
    public void JudgmentFiles_ByTextOrByQueryId_AndABadLineIsNamed()
    {
        var path = Path.Combine(_index.Root, "judgments.tsv");
        File.WriteAllLines(path, ["# query, article, grade", "batterie satellite\tdossier-0\t2", "", "q7\tbreve-0-1\t1"]);
        Assert.Equal(
            [new RankingJudgment("batterie satellite", "dossier-0", 2), new RankingJudgment("q7", "breve-0-1", 1)],
            RankingJudgment.Load(path));

        File.WriteAllLines(path, ["q1\tdossier-0\t2", "q7\tdossier-1\t1"]);
        var byId = new Dictionary<string, string> { ["q1"] = "batterie satellite" };
        var error = Assert.Throws<FormatException>(() => RankingJudgment.Load(path, byId));
        Assert.Contains(":2:", error.Message);
        Assert.Contains("q7", error.Message);

        File.WriteAllLines(path, ["batterie\tdossier-0\ttrès"]);
        Assert.Contains(":1:", Assert.Throws<FormatException>(() => RankingJudgment.Load(path)).Message);
    }

    public void Dispose() => _index.Dispose();
}
