using System.ComponentModel;
using System.Globalization;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>GET /api/search: the reader's search.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Search)
            .WithName("Search")
            .WithTags("Search")
            .WithSummary("Search the articles in French")
            .WithDescription("Ranked results with highlighted snippets, and facets over the whole result set: tags (tagMode=all: each count is the total with that tag toggled; tagMode=any: each tag's own count within the other filters, as checkbox lists expect), rubrics and a date histogram, each counted without its own filter. Query syntax: words, \"quoted phrases\", -exclusion, OR. Any text is accepted; a query is cut to 500 characters and 32 words or phrases.");
        return app;
    }

    public static Results<Ok<SearchPage>, ValidationProblem, ProblemHttpResult> Search([AsParameters] SearchParameters parameters, SearchIndex index, ZeroResultLog zeroResults, TimeProvider clock, SearchMetrics metrics, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        var request = parameters.ToRequest(errors);
        if (errors.Count > 0 || request == null)
        {
            return Problems.Invalid(errors);
        }

        SearchPage page;
        try
        {
            page = index.Search(request);
        }
        catch (InvalidCursorException e)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["cursor"] = [e.Message] });
        }

        context.Items[RequestLog.ResultsItem] = page.Total;
        metrics.Results.Record(page.Total);
        // A query that found nothing at all (not a filtered-out or paged-past one) goes to the editors' log.
        if (page.Total == 0 && request.Page == 1 && request.Tags.Count == 0 && request.Rubric == null && request.From == null && request.To == null)
        {
            zeroResults.Record(request.Query, clock.GetUtcNow());
        }

        return TypedResults.Ok(page);
    }
}

/// <summary>Query-string parameters of /api/search.</summary>
public sealed class SearchParameters : PublicationWindowParameters
{
    [FromQuery(Name = "q")]
    [Description("The reader's words, in French. \"quoted phrase\", -excluded, OR. Empty: every article.")]
    public string? Q { get; init; }

    [FromQuery(Name = "page")]
    [Description("Page number, from 1. page × size may not exceed 10,000.")]
    [DefaultValue(1)]
    public int? Page { get; init; }

    [FromQuery(Name = "size")]
    [Description("Hits per page, 1 to 100.")]
    [DefaultValue(10)]
    public int? Size { get; init; }

    [FromQuery(Name = "sort")]
    [Description("relevance (default) or date (newest first).")]
    [DefaultValue("relevance")]
    public string? Sort { get; init; }

    [FromQuery(Name = "tag")]
    [Description("Tag (any spelling, slug or alias); repeatable, combined by tagMode.")]
    public string[]? Tag { get; init; }

    [FromQuery(Name = "tagMode")]
    [Description("all (default): a hit carries every selected tag; any: at least one.")]
    [DefaultValue("all")]
    public string? TagMode { get; init; }

    [FromQuery(Name = "facetLimit")]
    [Description("Unselected tags listed in the tag facet, 1 to 100 (selected tags are always listed); 0 turns all facets off (faster).")]
    [DefaultValue(20)]
    public int? FacetLimit { get; init; }

    [FromQuery(Name = "facetMinCount")]
    [Description("Smallest count for an unselected tag, a rubric or a date bucket to be listed (1 or more).")]
    [DefaultValue(1)]
    public int? FacetMinCount { get; init; }

    [FromQuery(Name = "histogram")]
    [Description("Date histogram buckets: year (default) or month (Paris time).")]
    [DefaultValue("year")]
    public string? Histogram { get; init; }

    [FromQuery(Name = "rubric")]
    [Description("Rubric label, path (\"Technologies et Avenirs > Intelligence Artificielle\") or slug; includes sub-rubrics.")]
    public string? Rubric { get; init; }

    [FromQuery(Name = "cursor")]
    [Description("The nextCursor of the previous answer: the following page, however deep (page is then ignored). Expires when the index changes (400: start again).")]
    public string? Cursor { get; init; }

    [FromQuery(Name = "typoTolerance")]
    [Description("true (default): when results are few or a word is unknown, words the index does not know well also match within 1 edit from 4 letters, 2 from 8 (typoTolerant in the answer says so). false: exact and stemmed matches only.")]
    [DefaultValue(true)]
    public bool? TypoTolerance { get; init; }

    internal SearchRequest? ToRequest(Dictionary<string, string[]> errors)
    {
        var page = Page ?? 1;
        var size = Size ?? 10;
        if (page < 1)
        {
            errors["page"] = ["page must be 1 or more."];
        }

        if (size is < 1 or > SearchRequest.MaxSize)
        {
            errors["size"] = [$"size must be between 1 and {SearchRequest.MaxSize}."];
        }

        if (!errors.ContainsKey("page") && !errors.ContainsKey("size") && (long)page * size > SearchRequest.MaxDepth)
        {
            errors["page"] = [$"page × size may not exceed {SearchRequest.MaxDepth}; narrow the search instead."];
        }

        SearchSort sort = SearchSort.Relevance;
        switch (Sort?.Trim().ToLowerInvariant())
        {
            case null or "" or "relevance":
                break;
            case "date":
                sort = SearchSort.Date;
                break;
            default:
                errors["sort"] = ["sort must be 'relevance' or 'date'."];
                break;
        }

        var (from, to) = Window(errors);

        var tags = (Tag ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (tags.Count > SearchIndex.MaxSelectedTags)
        {
            errors["tag"] = [$"at most {SearchIndex.MaxSelectedTags} tags may be combined."];
        }

        var tagMode = ParseTagMode(TagMode, errors);

        var facetLimit = FacetLimit ?? 20;
        if (facetLimit is < 0 or > 100)
        {
            errors["facetLimit"] = ["facetLimit must be between 0 and 100."];
        }

        var facetMinCount = FacetMinCount ?? 1;
        if (facetMinCount < 1)
        {
            errors["facetMinCount"] = ["facetMinCount must be 1 or more."];
        }

        var histogram = DateInterval.Year;
        switch (Histogram?.Trim().ToLowerInvariant())
        {
            case null or "" or "year":
                break;
            case "month":
                histogram = DateInterval.Month;
                break;
            default:
                errors["histogram"] = ["histogram must be 'year' or 'month'."];
                break;
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new SearchRequest
        {
            Query = Q,
            Page = page,
            Size = size,
            Sort = sort,
            Tags = tags,
            TagMode = tagMode,
            FacetLimit = facetLimit,
            FacetMinCount = facetMinCount,
            Histogram = histogram,
            Rubric = string.IsNullOrWhiteSpace(Rubric) ? null : Rubric,
            From = from,
            To = to,
            TypoTolerance = TypoTolerance ?? true,
            Cursor = string.IsNullOrWhiteSpace(Cursor) ? null : Cursor.Trim(),
        };
    }

    /// <summary>"all" (default) or "any"; anything else is an error on "tagMode".</summary>
    internal static TagMode ParseTagMode(string? text, Dictionary<string, string[]> errors)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "all":
                return Search.TagMode.All;
            case "any":
                return Search.TagMode.Any;
            default:
                errors["tagMode"] = ["tagMode must be 'all' or 'any'."];
                return Search.TagMode.All;
        }
    }
}
