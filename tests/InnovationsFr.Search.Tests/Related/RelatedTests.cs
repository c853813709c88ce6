using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Related;

/// <summary>The shipped corpus, indexed with the shipped aliases, as the service runs it.</summary>
public sealed class ShippedIndex : IDisposable
{
    public ShippedIndex()
    {
        var root = Repository.Root;
        Dir = Path.Combine(Path.GetTempPath(), "ifr-related-tests", Guid.NewGuid().ToString("N"));
        var folder = new IndexFolder(Dir);
        var report = IndexBuilder.BuildAsync(folder, [Path.Combine(root, "corpus", "articles.jsonl")], new BuildOptions
        {
            TagAliases = TagAliases.Load(Path.Combine(root, "config", "tag-aliases.txt")),
        }).GetAwaiter().GetResult();
        Assert.Equal(BuildOutcome.Published, report.Outcome);
        Index = new SearchIndex(folder, new SynonymFile(Path.Combine(root, "config", "synonyms.txt")));
        Index.Open();
        Judgments = RelatedJudgments.Load(Path.Combine(root, "tests", "data", "related-judgments.tsv"));
    }

    public string Dir { get; }

    public SearchIndex Index { get; }

    public RelatedJudgments Judgments { get; }

    public void Dispose()
    {
        Index.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}

internal static class Repository
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("repository root not found");
        }
    }
}

public class RelatedTests(ShippedIndex shipped) : IClassFixture<ShippedIndex>
{
    [Fact]
    public void JudgedSet_PrecisionAt5_IsAtLeast06_AndNeverTheArticleItself()
    {
        var precisions = new List<double>();
        foreach (var (source, judged) in shipped.Judgments.BySource)
        {
            var related = shipped.Index.Related(source, new RelatedRequest { Limit = 5 })!;
            Assert.DoesNotContain(related, r => r.Id == source);
            precisions.Add(RelatedJudgments.PrecisionAt(5, related.Select(r => r.Id).ToList(), judged));
        }

        Assert.True(shipped.Judgments.BySource.Count >= 15);
        Assert.True(precisions.Average() >= 0.6, $"mean precision@5 {precisions.Average():F3}");
    }

    [Fact]
    public void Why_ListsOnlyTagsBothArticlesCarry_AndReadableWords()
    {
        var source = shipped.Index.GetArticle("ifr-2025-0613")!;
        var sourceTags = source.Tags.Select(TagAliases.Fold).ToHashSet();

        var related = shipped.Index.Related("ifr-2025-0613", new RelatedRequest { Limit = 5 })!;

        Assert.NotEmpty(related);
        Assert.All(related, r =>
        {
            Assert.All(r.Why.SharedTags, t => Assert.Contains(t, r.Tags));
            Assert.True(r.Why.Text is >= 0 and <= 1 && r.Why.Tags is >= 0 and <= 1 && r.Why.Time is >= 0 and <= 1);
            Assert.All(r.Why.SharedTerms, w => Assert.True(w.Length >= 2 && FrenchAnalysis.Tokens(w).Count == 1, w));
        });
        Assert.Contains(related, r => r.Why.SharedTags.Count > 0 && r.Why.SharedTerms.Count > 0);
    }

    [Fact]
    public void Related_IsDeterministic()
    {
        var first = shipped.Index.Related("ifr-2025-0527", new RelatedRequest { Limit = 10 })!.Select(r => (r.Id, r.Score));
        var second = shipped.Index.Related("ifr-2025-0527", new RelatedRequest { Limit = 10 })!.Select(r => (r.Id, r.Score));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Options_SameRubricDatesAndExcludedTags_Apply()
    {
        var sameRubric = shipped.Index.Related("ifr-2025-0613", new RelatedRequest { Limit = 10, SameRubric = true })!;
        var before = shipped.Index.Related("ifr-2025-0613", new RelatedRequest { Limit = 10, To = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero) })!;
        var withoutOpenAi = shipped.Index.Related("ifr-2025-0613", new RelatedRequest { Limit = 10, ExcludeTags = ["OpenAI"] })!;

        Assert.All(sameRubric, r => Assert.Equal("Technologies et Avenirs > Intelligence Artificielle", r.Rubric));
        Assert.All(before, r => Assert.True(r.PublishedAt < new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.All(withoutOpenAi, r => Assert.DoesNotContain("OpenAI", r.Tags));
    }

    [Fact]
    public void Draft_AboutACoveredSubject_FindsThatCoverageFirst()
    {
        var draft = new Draft(
            "Batteries : une deuxième usine annoncée dans le Nord",
            "Après la gigafactory de Douai, un second industriel prévoit de fabriquer des cellules de batteries pour voitures électriques dans les Hauts-de-France. La montée en cadence des lignes et le recrutement de techniciens restent les défis.",
            ["batteries", "gigafactory"]);

        var related = shipped.Index.RelatedToDraft(draft, new RelatedRequest { Limit = 5 });

        Assert.Contains(related[0].Id, new[] { "ifr-2025-0527", "ifr-2025-1118" });
        Assert.Contains(related.Take(2), r => r.Id is "ifr-2025-0527" or "ifr-2025-1118");
    }

    [Fact]
    public void Unknown_IsNull()
    {
        Assert.Null(shipped.Index.Related("nope", new RelatedRequest()));
    }
}
