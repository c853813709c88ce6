namespace InnovationsFr.Search;

/// <summary>Which signals rank related articles (the ablation compares them).</summary>
public enum RelatedSignals
{
    Combined,
    TextOnly,
    TagsOnly,
}

/// <summary>What to look for beside an article or a draft.</summary>
public sealed record RelatedRequest
{
    public const int MaxLimit = 50;

    public int Limit { get; init; } = 5;
    /// <summary>Only articles of the same (deepest) rubric.</summary>
    public bool SameRubric { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    /// <summary>Leave out articles carrying any of these tags (any spelling, slug or alias).</summary>
    public IReadOnlyList<string> ExcludeTags { get; init; } = [];
    public RelatedSignals Signals { get; init; } = RelatedSignals.Combined;
}

/// <summary>A draft not in the index, for editors looking for earlier coverage.</summary>
public sealed record Draft(string? Title, string Text, IReadOnlyList<string> Tags, string? Rubric = null, DateTimeOffset? PublishedAt = null);

/// <summary>
/// Why an article is related: the tags both carry, the words both use (as a reader writes them,
/// not stems), and the parts of the score: text similarity (0–1, relative to the best candidate),
/// shared tags weighted by rarity (0–1 of the source's tag weight) and time proximity (0–1).
/// </summary>
public sealed record RelatedWhy(IReadOnlyList<string> SharedTags, IReadOnlyList<string> SharedTerms, double Text, double Tags, double Time);

public sealed record RelatedArticle(
    string Id,
    string Slug,
    string Url,
    string Title,
    DateTimeOffset PublishedAt,
    string? Rubric,
    IReadOnlyList<string> Tags,
    double Score,
    RelatedWhy Why);
