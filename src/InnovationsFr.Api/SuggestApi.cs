using System.ComponentModel;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>GET /api/suggest: autocomplete for the search box.</summary>
public static class SuggestApi
{
    public const int MaxQueryChars = 200;

    public static IEndpointRouteBuilder MapSuggestApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/suggest", Suggest)
            .WithName("Suggest")
            .WithTags("Search")
            .WithSummary("Autocomplete what a reader is typing")
            .WithDescription("Up to 10 completions, accents and case ignored: the query with its last word completed from the site's words (most used first), tags with a word starting like it (most used first), and titles holding the words typed (newest first). kind is word, tag or title; tags and titles carry their slug, titles their article id.");
        return app;
    }

    public static Results<Ok<CompletionList>, ValidationProblem, ProblemHttpResult> Suggest(
        [FromQuery(Name = "q"), Description("What the reader has typed so far (1 to 200 characters).")] string? q,
        [FromQuery(Name = "limit"), Description("Completions wanted, 1 to 10."), DefaultValue(10)] int? limit,
        SearchIndex index,
        HttpResponse response)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(q))
        {
            errors["q"] = ["q is required: the text typed so far."];
        }
        else if (q.Length > MaxQueryChars)
        {
            errors["q"] = [$"q may not be longer than {MaxQueryChars} characters."];
        }

        if (limit is < 1 or > 10)
        {
            errors["limit"] = ["limit must be between 1 and 10."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(index.Complete(q!, limit ?? 10));
    }
}
