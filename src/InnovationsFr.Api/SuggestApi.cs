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

        if (!index.IsOpen)
        {
            return SearchApi.IndexNotReady();
        }

        response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(index.Complete(q!, limit ?? 10));
    }
}

/// <summary>/api/admin: what editors and operators read and change, behind API keys.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/zero-results", ZeroResults)
            .WithName("ZeroResults")
            .WithTags("Admin")
            .WithSummary("Queries that found nothing")
            .WithDescription("The readers' queries that found no article, most frequent first, with their count and when last seen (query text only: no IP or other personal data; at most 1,000 queries are kept). Needs an X-Api-Key from Admin:ReadKeys or Admin:WriteKeys; answers 404 when no key is configured.")
            .RequireAdmin(AdminAccess.Read);
        return app;
    }

    public static Results<Ok<ZeroResultReport>, ValidationProblem> ZeroResults(
        [FromQuery(Name = "limit"), Description("Queries listed, 1 to 1000."), DefaultValue(100)] int? limit,
        ZeroResultLog log)
    {
        if (limit is < 1 or > ZeroResultLog.MaxEntries)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 1000."] });
        }

        return TypedResults.Ok(log.Report(limit ?? 100));
    }
}
