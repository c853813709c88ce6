namespace InnovationsFr.Search;

/// <summary>Where tag counts are taken: the whole index, or the results of a search.</summary>
public sealed record TagScope
{
    /// <summary>The reader's words; empty counts over every article.</summary>
    public string? Query { get; init; }
    public string? Rubric { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    /// <summary>The search's selected tags, combined by <see cref="TagMode"/>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    public TagMode TagMode { get; init; } = TagMode.All;

    public bool IsWholeIndex => string.IsNullOrWhiteSpace(Query) && string.IsNullOrWhiteSpace(Rubric) && From == null && To == null && Tags.Count == 0;
}

/// <summary>How a tag list is ordered.</summary>
public enum TagSort
{
    Count,
    Name,
}

/// <summary>A page of tags, optionally those whose words start like <see cref="Prefix"/>.</summary>
public sealed record TagListRequest
{
    public string? Prefix { get; init; }
    public TagScope Scope { get; init; } = new();
    public TagSort Sort { get; init; } = TagSort.Count;
    public int Page { get; init; } = 1;
    public int Size { get; init; } = 50;
}

public sealed record TagListPage(int Total, int Page, int Size, IReadOnlyList<TagCount> Tags);

/// <summary>A spelling editors used for a tag, and on how many articles.</summary>
public sealed record TagVariant(string Label, int Count);

/// <summary>
/// A tag that goes with another: <see cref="Together"/> articles carry both; <see cref="Lift"/> is
/// how much more often than chance; <see cref="Score"/> is their normalised PMI (−1 … 1), by which
/// related tags are ranked, so that the most common tag does not relate to everything.
/// </summary>
public sealed record RelatedTag(string Slug, string Label, int Count, int Together, double Lift, double Score);

/// <summary>A tag's page: its label, the spellings merged into it, its use over time, related tags and its articles, newest first.</summary>
public sealed record TagDetail(
    string Slug,
    string Label,
    int Count,
    DateTimeOffset FirstUsed,
    DateTimeOffset LastUsed,
    IReadOnlyList<TagVariant> Variants,
    IReadOnlyList<RelatedTag> Related,
    int Page,
    int Size,
    IReadOnlyList<ArticleHit> Articles);

public enum CloudOrderBy
{
    Name,
    Count,
}

public enum CloudOrder
{
    Asc,
    Desc,
    Rand,
}

public enum CloudScale
{
    /// <summary>WordPress's default: sizes spread over round(log10(count + 1) × 100).</summary>
    Log,
    /// <summary>Sizes spread over the counts themselves.</summary>
    Linear,
}

/// <summary>A tag cloud request, with wp_tag_cloud's parameters and defaults.</summary>
public sealed record TagCloudRequest
{
    /// <summary>How many tags (the most used); 0 means all.</summary>
    public int Number { get; init; } = 45;
    public double Smallest { get; init; } = 8;
    public double Largest { get; init; } = 22;
    public string Unit { get; init; } = "pt";
    public CloudOrderBy OrderBy { get; init; } = CloudOrderBy.Name;
    public CloudOrder Order { get; init; } = CloudOrder.Asc;
    public CloudScale Scale { get; init; } = CloudScale.Log;
    public TagScope Scope { get; init; } = new();
    /// <summary>A window of this many days ending at the newest article (instead of From/To).</summary>
    public int? Days { get; init; }
    /// <summary>The tags whose share of articles rose most against the preceding window of the same length.</summary>
    public bool Trending { get; init; }
}

/// <summary>One tag of a cloud: <see cref="Weight"/> 0–1 on the chosen scale, <see cref="Size"/> in <see cref="Unit"/>.</summary>
public sealed record TagCloudEntry(string Label, string Slug, int Count, double Weight, double Size, string Unit, string FontSize, string Url, double? Rise);

public sealed record TagCloud(IReadOnlyList<TagCloudEntry> Tags, DateTimeOffset? From, DateTimeOffset? To, bool Trending);

/// <summary>Tags that are probably one, beyond what folding merges: counts, reasons, and alias lines to paste.</summary>
public sealed record TagDuplicateGroup(string ProposedLabel, IReadOnlyList<TagCount> Tags, IReadOnlyList<string> Reasons, IReadOnlyList<string> AliasLines);
