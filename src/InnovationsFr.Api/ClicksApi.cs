using System.Text.Json;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>POST /api/clicks: the reader page's beacon when a result is opened.</summary>
public static class ClicksApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Largest beacon accepted (bytes).</summary>
    public const int MaxBeaconBytes = 2048;

    /// <summary>Longest query a beacon may carry (what a search reads of one).</summary>
    public const int MaxQueryChars = 500;

    /// <summary>Deepest rank a beacon may report (as deep as search pages go).</summary>
    public const int MaxRank = SearchRequest.MaxDepth;

    public static IEndpointRouteBuilder MapClicksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/clicks", Click)
            .WithName("Click")
            .WithTags("Search")
            .WithSummary("Report that a reader opened a result")
            .WithDescription("Body: {query, id, rank, page}: the query as typed, the article opened, its rank in the list (1 = first) and the page it was on. Kept for learning to rank, per query and article and day, position-weighted; the query is lower-cased and masked (e-mail addresses, long numbers) and nothing about the reader is stored. 202 when counted; 400 for a bad body, 404 for an unknown article, 413 over 2 KB; rate-limited like every public endpoint.")
            .Accepts<ClickBeacon>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePrimary();
        return app;
    }

    public static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> Click(HttpRequest request, SearchIndex index, ClickLog clicks)
    {
        // Read here, not bound: a beacon over the limit is a 413 whatever its framing, and a body
        // that is not a beacon a 400 that says so.
        var body = new byte[MaxBeaconBytes + 1];
        var length = 0;
        int read;
        while (length < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > MaxBeaconBytes)
        {
            return TypedResults.Problem(title: "Beacon too large", detail: $"A click beacon holds at most {MaxBeaconBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        ClickBeacon? beacon;
        try
        {
            beacon = JsonSerializer.Deserialize<ClickBeacon>(body.AsSpan(0, length), Json);
        }
        catch (JsonException)
        {
            beacon = null;
        }

        if (beacon == null)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["body"] = ["the body is a JSON object: {\"query\", \"id\", \"rank\", \"page\"}."] });
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(beacon.Query))
        {
            errors["query"] = ["query is required: the words the reader searched for."];
        }
        else if (beacon.Query.Length > MaxQueryChars)
        {
            errors["query"] = [$"query may hold at most {MaxQueryChars} characters."];
        }

        if (string.IsNullOrWhiteSpace(beacon.Id) || beacon.Id.Length > 200)
        {
            errors["id"] = ["id is required: the id of the article opened (at most 200 characters)."];
        }

        if (beacon.Rank is not { } rank || rank < 1 || rank > MaxRank)
        {
            errors["rank"] = [$"rank is the result's position in the list, 1 to {MaxRank}."];
        }

        if (beacon.Page is { } page && (page < 1 || page > MaxRank))
        {
            errors["page"] = [$"page is 1 to {MaxRank}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (index.GetArticle(beacon.Id!) == null)
        {
            return TypedResults.Problem(title: "Article not found", detail: $"No article has the id '{beacon.Id}'.", statusCode: StatusCodes.Status404NotFound);
        }

        clicks.Record(beacon.Query!, beacon.Id!, beacon.Rank!.Value);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The click beacon's body.</summary>
public sealed record ClickBeacon(string? Query, string? Id, int? Rank, int? Page);
