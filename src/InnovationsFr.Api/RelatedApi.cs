using System.ComponentModel;
using System.Text;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>"À lire aussi" for an article, and earlier coverage for an editor's draft.</summary>
public static class RelatedApi
{
    /// <summary>Largest draft text accepted (UTF-8 bytes).</summary>
    public const int MaxDraftBytes = 100 * 1024;

    public static IEndpointRouteBuilder MapRelatedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/articles/{id}/related", ForArticle).WithName("RelatedArticles").WithTags("Articles")
            .WithSummary("Related articles, each with why")
            .WithDescription("French text similarity, shared tags weighted by rarity and time proximity; near-duplicates of the article left out. Each hit's `why` gives the shared tags, shared words and the parts of its score.");
        app.MapPost("/api/related", ForDraft).WithName("RelatedToDraft").WithTags("Articles")
            .WithSummary("Earlier coverage for a draft that is not in the index")
            .WithDescription("Body: {title?, text, tags?, limit?, from?, to?}. The text may hold at most 100 KB (larger: 413).")
            // The JSON itself is capped too (escaping can inflate 100 KB of text several times), so a huge body never sits in memory.
            .WithMetadata(new RequestSizeLimitAttribute(1024 * 1024));
        return app;
    }

    public static Results<Ok<IReadOnlyList<RelatedArticle>>, ValidationProblem, ProblemHttpResult> ForArticle(
        [Description("The article's id.")] string id,
        [AsParameters] RelatedParameters parameters,
        SearchIndex index)
    {
        var errors = new Dictionary<string, string[]>();
        var request = parameters.ToRequest(errors);
        if (request == null)
        {
            return Problems.Invalid(errors);
        }

        return index.Related(id, request) is { } related
            ? TypedResults.Ok(related)
            : TypedResults.Problem(title: "Article not found", detail: $"No article has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
    }

    public static Results<Ok<IReadOnlyList<RelatedArticle>>, ValidationProblem, ProblemHttpResult> ForDraft(DraftBody body, SearchIndex index)
    {
        if (Encoding.UTF8.GetByteCount(body.Text ?? "") + Encoding.UTF8.GetByteCount(body.Title ?? "") > MaxDraftBytes)
        {
            return TypedResults.Problem(title: "Draft too large", detail: $"title and text may hold at most {MaxDraftBytes / 1024} KB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Text))
        {
            errors["text"] = ["text is required."];
        }

        var request = new RelatedParameters { Limit = body.Limit, From = body.From, To = body.To }.ToRequest(errors);
        if (request == null || errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(index.RelatedToDraft(new Draft(body.Title, body.Text!, body.Tags ?? []), request));
    }
}

/// <summary>A draft posted to /api/related.</summary>
public sealed record DraftBody(string? Title, string? Text, string[]? Tags, int? Limit, string? From, string? To);

/// <summary>Query-string parameters of /api/articles/{id}/related.</summary>
public sealed class RelatedParameters : PublicationWindowParameters
{
    [FromQuery(Name = "limit")]
    [Description("How many, 1 to 50 (default 5).")]
    [DefaultValue(5)]
    public int? Limit { get; init; }

    [FromQuery(Name = "sameRubric")]
    [Description("true: only articles of the same rubric.")]
    public bool? SameRubric { get; init; }

    [FromQuery(Name = "excludeTag")]
    [Description("Leave out articles carrying this tag (repeatable; any spelling, slug or alias).")]
    public string[]? ExcludeTag { get; init; }

    internal RelatedRequest? ToRequest(Dictionary<string, string[]> errors)
    {
        if (Limit is < 1 or > RelatedRequest.MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {RelatedRequest.MaxLimit}."];
        }

        var (from, to) = Window(errors);

        return errors.Count > 0 ? null : new RelatedRequest
        {
            Limit = Limit ?? 5,
            SameRubric = SameRubric ?? false,
            From = from,
            To = to,
            ExcludeTags = (ExcludeTag ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).ToList(),
        };
    }
}
