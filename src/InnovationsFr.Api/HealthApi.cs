using InnovationsFr.Api.Index;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InnovationsFr.Api;

/// <summary>GET /health: ready (200) only when an index is open.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health)
            .WithName("Health")
            .WithTags("Health")
            .WithSummary("Ready when an index is open");
        return app;
    }

    internal static Results<Ok<HealthStatus>, ProblemHttpResult> Health(SearchIndex index, IndexStartup startup)
    {
        if (!index.IsOpen)
        {
            return TypedResults.Problem(
                title: startup.Failure == null ? "Starting" : "Unavailable",
                detail: startup.Failure ?? "The index is being built or opened.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var stats = index.Stats();
        return TypedResults.Ok(new HealthStatus("ready", stats.Articles, stats.Generation));
    }
}

/// <summary>The body of a healthy answer.</summary>
public sealed record HealthStatus(string Status, int Articles, string Generation);
