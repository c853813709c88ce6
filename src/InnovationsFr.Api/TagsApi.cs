using System.ComponentModel;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>Tag browsing, facet-value search, tag clouds and the duplicate report.</summary>
public static class TagsApi
{
    /// <summary>How long a widget or proxy may reuse a tag answer before revalidating it with its ETag.</summary>
    public const int MaxAgeSeconds = 60;

    public static IEndpointRouteBuilder MapTagsApi(this IEndpointRouteBuilder app)
    {
        var tags = app.MapGroup("/api/tags").WithTags("Tags").AddEndpointFilter(IndexVersionCaching);
        tags.MapGet("/", ListTags).WithName("ListTags")
            .WithSummary("Tags with their article counts; prefix search over their words")
            .WithDescription("All tags, or those having a word that starts like `prefix` (accents and case ignored: \"gen\" finds \"IA générative\"), with counts over the whole index or over a search (q, rubric, from, to).");
        tags.MapGet("/cloud", Cloud).WithName("TagCloud")
            .WithSummary("A tag cloud with wp_tag_cloud's parameters")
            .WithDescription("Defaults as WordPress: number 45, smallest 8, largest 22, unit pt, orderby name, order ASC, sizes spread over round(log10(count+1)×100). Scoped by q, rubric and a window (from/to or days); trending=true picks the tags whose share rose most against the preceding window.");
        tags.MapGet("/duplicates", Duplicates).WithName("TagDuplicates")
            .WithSummary("Groups of tags that are probably one, with alias lines to paste into config/tag-aliases.txt");
        tags.MapGet("/{slug}", GetTag).WithName("GetTag")
            .WithSummary("A tag's page: label, merged spellings, use over time, related tags, articles newest first");
        return app;
    }

    public static Results<Ok<TagListPage>, ValidationProblem, ProblemHttpResult> ListTags([AsParameters] TagListParameters parameters, SearchIndex index)
    {
        var errors = new Dictionary<string, string[]>();
        var request = parameters.ToRequest(errors);
        if (request == null)
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(index.ListTags(request));
    }

    public static Results<Ok<TagDetail>, ValidationProblem, ProblemHttpResult> GetTag(
        [Description("The tag's slug, or any spelling or alias of it.")] string slug,
        [Description("Page of articles, from 1.")] int? page,
        [Description("Articles per page, 1 to 100.")] int? size,
        SearchIndex index)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 || (page ?? 1) * (long)(size ?? 10) > SearchRequest.MaxDepth)
        {
            errors["page"] = ["page must be 1 or more, and page × size at most 10,000."];
        }

        if (size is < 1 or > SearchRequest.MaxSize)
        {
            errors["size"] = [$"size must be between 1 and {SearchRequest.MaxSize}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return index.GetTag(slug, page ?? 1, size ?? 10) is { } tag
            ? TypedResults.Ok(tag)
            : TypedResults.Problem(title: "Tag not found", detail: $"No article carries the tag '{slug}'.", statusCode: StatusCodes.Status404NotFound);
    }

    public static Results<Ok<TagCloud>, ValidationProblem, ProblemHttpResult> Cloud([AsParameters] TagCloudParameters parameters, SearchIndex index)
    {
        var errors = new Dictionary<string, string[]>();
        var request = parameters.ToRequest(errors);
        if (request == null)
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(index.TagCloud(request));
    }

    public static Results<Ok<IReadOnlyList<TagDuplicateGroup>>, ValidationProblem, ProblemHttpResult> Duplicates(
        [Description("How many groups, 1 to 500 (default 50).")] int? limit,
        SearchIndex index)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.Invalid(new() { ["limit"] = ["limit must be between 1 and 500."] });
        }

        return TypedResults.Ok(index.TagDuplicates(limit ?? 50));
    }

    /// <summary>
    /// ETag from the index version, Cache-Control for widgets, and 304 when the client already holds
    /// the answer. A cloud in random order is never cached: each view should shuffle.
    /// </summary>
    private static async ValueTask<object?> IndexVersionCaching(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var index = http.RequestServices.GetRequiredService<SearchIndex>();
        var random = string.Equals(http.Request.Query["order"], "rand", StringComparison.OrdinalIgnoreCase);
        // Before the index opens, the endpoint itself answers 503 (Problems maps IndexUnavailableException).
        if (!index.IsOpen || random)
        {
            http.Response.Headers.CacheControl = "no-store";
            return await next(context);
        }

        var etag = $"\"{index.Version()}\"";
        if (http.Request.Headers.IfNoneMatch.Any(v => v != null && v.Split(',').Select(t => t.Trim()).Any(t => t == etag || t == "W/" + etag || t == "*")))
        {
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var result = await next(context);
        if (http.Response.StatusCode < 400)
        {
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        }

        return result;
    }
}

/// <summary>Query-string parameters of GET /api/tags.</summary>
public sealed class TagListParameters : TagScopeParameters
{

    [FromQuery(Name = "prefix")]
    [Description("Only tags having a word that starts like this (accents and case ignored).")]
    public string? Prefix { get; init; }

    [FromQuery(Name = "sort")]
    [Description("count (default, most used first) or name.")]
    [DefaultValue("count")]
    public string? Sort { get; init; }

    [FromQuery(Name = "page")]
    [Description("Page, from 1.")]
    [DefaultValue(1)]
    public int? Page { get; init; }

    [FromQuery(Name = "size")]
    [Description("Tags per page, 1 to 500.")]
    [DefaultValue(50)]
    public int? Size { get; init; }

    internal TagListRequest? ToRequest(Dictionary<string, string[]> errors)
    {
        var scope = Scope(errors);
        var sort = TagSort.Count;
        switch (Sort?.Trim().ToLowerInvariant())
        {
            case null or "" or "count":
                break;
            case "name":
                sort = TagSort.Name;
                break;
            default:
                errors["sort"] = ["sort must be 'count' or 'name'."];
                break;
        }

        if (Page is < 1)
        {
            errors["page"] = ["page must be 1 or more."];
        }

        if (Size is < 1 or > 500)
        {
            errors["size"] = ["size must be between 1 and 500."];
        }

        return errors.Count > 0 || scope == null
            ? null
            : new TagListRequest { Prefix = Prefix, Scope = scope, Sort = sort, Page = Page ?? 1, Size = Size ?? 50 };
    }
}

/// <summary>Query-string parameters of GET /api/tags/cloud (wp_tag_cloud's, plus scoping and trending).</summary>
public sealed class TagCloudParameters : TagScopeParameters
{
    private static readonly string[] Units = ["pt", "px", "em", "rem", "%"];

    [FromQuery(Name = "number")]
    [Description("How many tags, the most used (0: all). Default 45.")]
    [DefaultValue(45)]
    public int? Number { get; init; }

    [FromQuery(Name = "smallest")]
    [Description("Size of the least used tag. Default 8.")]
    [DefaultValue(8.0)]
    public double? Smallest { get; init; }

    [FromQuery(Name = "largest")]
    [Description("Size of the most used tag. Default 22.")]
    [DefaultValue(22.0)]
    public double? Largest { get; init; }

    [FromQuery(Name = "unit")]
    [Description("pt (default), px, em, rem or %.")]
    [DefaultValue("pt")]
    public string? Unit { get; init; }

    [FromQuery(Name = "orderby")]
    [Description("name (default) or count.")]
    [DefaultValue("name")]
    public string? OrderBy { get; init; }

    [FromQuery(Name = "order")]
    [Description("ASC (default), DESC or RAND.")]
    [DefaultValue("ASC")]
    public string? Order { get; init; }

    [FromQuery(Name = "scale")]
    [Description("log (default, as WordPress) or linear.")]
    [DefaultValue("log")]
    public string? Scale { get; init; }

    [FromQuery(Name = "days")]
    [Description("A window of this many days ending at the newest article (instead of from/to).")]
    public int? Days { get; init; }

    [FromQuery(Name = "trending")]
    [Description("true: the tags whose share of articles rose most against the preceding window of the same length (default window: 30 days).")]
    public bool? Trending { get; init; }

    internal TagCloudRequest? ToRequest(Dictionary<string, string[]> errors)
    {
        var scope = Scope(errors);
        if (Number is < 0 or > 1000)
        {
            errors["number"] = ["number must be between 0 (all) and 1000."];
        }

        var smallest = Smallest ?? 8;
        var largest = Largest ?? 22;
        if (smallest <= 0 || double.IsNaN(smallest) || double.IsInfinity(smallest) || smallest > 1000)
        {
            errors["smallest"] = ["smallest must be a size above 0 and at most 1000."];
        }
        else if (largest < smallest)
        {
            errors["smallest"] = [$"smallest ({smallest}) must not exceed largest ({largest})."];
        }
        else if (double.IsNaN(largest) || largest > 1000)
        {
            errors["largest"] = ["largest must be at most 1000."];
        }

        var unit = (Unit ?? "pt").Trim().ToLowerInvariant();
        if (!Units.Contains(unit))
        {
            errors["unit"] = ["unit must be pt, px, em, rem or %."];
        }

        var orderBy = (OrderBy ?? "name").Trim().ToLowerInvariant() switch
        {
            "name" => CloudOrderBy.Name,
            "count" => CloudOrderBy.Count,
            _ => Fail(errors, "orderby", "orderby must be 'name' or 'count'.", CloudOrderBy.Name),
        };
        var order = (Order ?? "asc").Trim().ToLowerInvariant() switch
        {
            "asc" => CloudOrder.Asc,
            "desc" => CloudOrder.Desc,
            "rand" => CloudOrder.Rand,
            _ => Fail(errors, "order", "order must be ASC, DESC or RAND.", CloudOrder.Asc),
        };
        var scale = (Scale ?? "log").Trim().ToLowerInvariant() switch
        {
            "log" => CloudScale.Log,
            "linear" => CloudScale.Linear,
            _ => Fail(errors, "scale", "scale must be 'log' or 'linear'.", CloudScale.Log),
        };
        if (Days is < 1 or > 36_500)
        {
            errors["days"] = ["days must be between 1 and 36500."];
        }
        else if (Days != null && (From != null || To != null))
        {
            errors["days"] = ["give days or from/to, not both."];
        }

        return errors.Count > 0 || scope == null ? null : new TagCloudRequest
        {
            Number = Number ?? 45,
            Smallest = smallest,
            Largest = largest,
            Unit = unit,
            OrderBy = orderBy,
            Order = order,
            Scale = scale,
            Scope = scope,
            Days = Days,
            Trending = Trending ?? false,
        };
    }

    private static T Fail<T>(Dictionary<string, string[]> errors, string name, string message, T fallback)
    {
        errors[name] = [message];
        return fallback;
    }
}

/// <summary>The scope shared by tag endpoints: the tags of a search's results instead of the whole index.</summary>
public abstract class TagScopeParameters : PublicationWindowParameters
{
    [FromQuery(Name = "q")]
    [Description("Only the tags of this search's results (instead of the whole index).")]
    public string? Q { get; init; }

    [FromQuery(Name = "tag")]
    [Description("Only articles carrying these tags (any spelling, slug or alias), as in a search.")]
    public string[]? Tag { get; init; }

    [FromQuery(Name = "tagMode")]
    [Description("all (default) or any, as in a search.")]
    public string? TagMode { get; init; }

    [FromQuery(Name = "rubric")]
    [Description("Only the tags of this rubric (label, path or slug).")]
    public string? Rubric { get; init; }

    internal TagScope? Scope(Dictionary<string, string[]> errors)
    {
        var mode = SearchParameters.ParseTagMode(TagMode, errors);
        var selected = (Tag ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (selected.Count > SearchIndex.MaxSelectedTags)
        {
            errors["tag"] = [$"at most {SearchIndex.MaxSelectedTags} tags may be combined."];
        }

        var (start, end) = Window(errors);

        return errors.Count > 0 ? null : new TagScope
        {
            Query = Q,
            Tags = selected,
            TagMode = mode,
            Rubric = string.IsNullOrWhiteSpace(Rubric) ? null : Rubric,
            From = start,
            To = end,
        };
    }
}
