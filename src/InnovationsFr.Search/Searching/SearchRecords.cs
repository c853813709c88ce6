namespace InnovationsFr.Search;

/// <summary>How hits are ordered.</summary>
public enum SearchSort
{
    Relevance,
    Date,
}

/// <summary>How several selected tags combine.</summary>
public enum TagMode
{
    /// <summary>Every selected tag must be on a hit (narrowing: IA + Défense = AI in defence).</summary>
    All,
    /// <summary>Any selected tag will do (widening).</summary>
    Any,
}

/// <summary>Buckets of the date histogram.</summary>
public enum DateInterval
{
    Year,
    Month,
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
    /// <summary>Selected tags (any spelling, slug or alias); combined by <see cref="TagMode"/>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    public TagMode TagMode { get; init; } = TagMode.All;
    /// <summary>A rubric or rubric path (label or slug); sub-rubrics are included.</summary>
    public string? Rubric { get; init; }
    /// <summary>Inclusive lower bound on the publication date.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Inclusive upper bound on the publication date.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>How many unselected tags the tag facet lists (selected tags are always listed); 0 turns every facet off.</summary>
    public int FacetLimit { get; init; } = 20;
    /// <summary>Smallest count for an unselected tag, rubric or date bucket to be listed.</summary>
    public int FacetMinCount { get; init; } = 1;
    public DateInterval Histogram { get; init; } = DateInterval.Year;
    /// <summary>
    /// The nextCursor of the previous page: the page after it, however deep (Page is then ignored).
    /// Valid while the index version that gave it is served.
    /// </summary>
    public string? Cursor { get; init; }
    /// <summary>Whether words the index does not know may match approximately when results are few.</summary>
    public bool TypoTolerance { get; init; } = true;
    /// <summary>Whether to look for a "did you mean" correction.</summary>
    public bool Suggest { get; init; } = true;
}

/// <summary>One page of results.</summary>
public sealed record SearchPage(
    long Total,
    double TookMs,
    int Page,
    int Size,
    IReadOnlyList<ArticleHit> Hits,
    IReadOnlyList<TagFacet> Tags,
    IReadOnlyList<RubricFacet> Rubrics,
    IReadOnlyList<DateBucket> Dates,
    string EffectiveQuery,
    bool QueryTruncated)
{
    /// <summary>True when words the index does not know were also matched approximately (typo tolerance).</summary>
    public bool TypoTolerant { get; init; }

    /// <summary>"Did you mean": a corrected query, spelled as the index spells it, or null.</summary>
    public string? Suggestion { get; init; }

    /// <summary>Pass as cursor to get the next page (deep paging without offsets); null on the last page.</summary>
    public string? NextCursor { get; init; }

    /// <summary>True when the search ran past its time budget and answers with what it had found by then (total and facets are lower bounds).</summary>
    public bool Partial { get; init; }
}

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

/// <summary>A tag and the number of articles that carry it.</summary>
public sealed record TagCount(string Slug, string Label, int Count);

/// <summary>
/// A tag of the facet: <see cref="Count"/> is the number of results the search would have with
/// this tag toggled (added if unselected, removed if selected), all other filters kept.
/// </summary>
public sealed record TagFacet(string Slug, string Label, int Count, bool Selected);

/// <summary>A rubric or sub-rubric (slug path "a/b", label "A > B") and the results in it, the rubric filter left out.</summary>
public sealed record RubricFacet(string Slug, string Label, int Count);

/// <summary>A year ("2025") or month ("2025-06", Paris time) and the results published in it, the date filter left out.</summary>
public sealed record DateBucket(string Key, int Count);
