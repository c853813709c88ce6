namespace InnovationsFr.Search;

/// <summary>How hits are ordered.</summary>
public enum SearchSort
{
    Relevance,
    Date,
}

/// <summary>A search as a reader asks for it; the API validates bounds before it gets here.</summary>
public sealed record SearchRequest
{
    /// <summary>Upper bound on the number of hits a page may hold.</summary>
    public const int MaxSize = 100;
    /// <summary>Deepest result reachable by paging (page × size).</summary>
    public const int MaxDepth = 10_000;

    /// <summary>The reader's words; syntax: "phrase", -exclusion, OR. Empty means every article.</summary>
    public string? Query { get; init; }
    public int Page { get; init; } = 1;
    public int Size { get; init; } = 10;
    public SearchSort Sort { get; init; } = SearchSort.Relevance;
    /// <summary>Tags (labels or slugs) that every hit must carry.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>A rubric or rubric path (label or slug); sub-rubrics are included.</summary>
    public string? Rubric { get; init; }
    /// <summary>Inclusive lower bound on the publication date.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Inclusive upper bound on the publication date.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>How many tag counts to return.</summary>
    public int TagCountLimit { get; init; } = 20;
}

/// <summary>One page of results.</summary>
public sealed record SearchPage(
    long Total,
    double TookMs,
    int Page,
    int Size,
    IReadOnlyList<ArticleHit> Hits,
    IReadOnlyList<TagCount> Tags,
    string EffectiveQuery,
    bool QueryTruncated);

/// <summary>One result: what a result list shows, with highlighted fragments (HTML-escaped, matches in &lt;mark&gt;).</summary>
public sealed record ArticleHit(
    string Id,
    string Slug,
    string Url,
    string Title,
    string HighlightedTitle,
    string Snippet,
    DateTimeOffset PublishedAt,
    string? Rubric,
    IReadOnlyList<string> Tags,
    float Score);

/// <summary>A tag and the number of results that carry it.</summary>
public sealed record TagCount(string Slug, string Label, int Count);
