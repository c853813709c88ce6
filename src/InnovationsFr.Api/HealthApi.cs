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
        app.MapGet("/health/ready", Health)
            .WithName("Ready")
            .WithTags("Health")
            .WithSummary("Readiness probe: 200 when an index is open and searches can be served, 503 before");
        app.MapGet("/health/live", () => TypedResults.Ok(new LiveStatus("alive")))
            .WithName("Live")
            .WithTags("Health")
            .WithSummary("Liveness probe: 200 while the process answers (even while the first index builds)");
        return app;
    }

    internal static Results<Ok<HealthStatus>, ProblemHttpResult> Health(SearchIndex index, IndexStartup startup, IndexReplica replica, Microsoft.Extensions.Options.IOptions<SearchSettings> settings)
    {
        var replication = settings.Value.IsReplica ? ReplicationHealth.Of(replica.Status, settings.Value.Primary) : null;
        if (!index.IsOpen)
        {
            return TypedResults.Problem(
                title: startup.Failure == null ? "Starting" : "Unavailable",
                detail: replication != null
                    ? $"Waiting for the first copy of the primary's index ({settings.Value.Primary}){(replication.Problem is { } problem ? ": " + problem : ".")}"
                    : startup.Failure ?? "The index is being built or opened.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // Searches still answer when the background loop fails, but writes stop becoming visible:
        // "degraded" (still 200, so a lone instance is not taken out of service) with the error.
        var stats = index.Stats();
        var status = index.BackgroundError is { } error
            ? new HealthStatus("degraded", stats.Articles, stats.Generation) { BackgroundError = error, FailingSince = index.BackgroundFailingSince }
            : new HealthStatus("ready", stats.Articles, stats.Generation);
        // A replica that cannot copy from its primary still serves what it has: degraded, with why and how stale.
        if (replication?.Problem != null)
        {
            status = status with { Status = "degraded" };
        }

        // Which learned ranking is in force, and why the file on disk is not, when it is not.
        return TypedResults.Ok(status with
        {
            Role = settings.Value.IsReplica ? "replica" : "primary",
            Replication = replication,
            RankingModel = index.Ranking.Current?.Fingerprint,
            RankingModelProblem = index.Ranking.Problem,
        });
    }
}

/// <summary>The body of the liveness probe.</summary>
public sealed record LiveStatus(string Status);

/// <summary>A replica's copy of its primary: the commit served (and the last acknowledged write it holds), the primary's latest as last seen, how far behind, and why not up to date.</summary>
public sealed record ReplicationHealth(
    string? Primary,
    string? Generation,
    long Commit,
    long Sequence,
    long PrimaryCommit,
    double LagSeconds,
    long LagCommits,
    DateTimeOffset? LastContact,
    long CopiedFiles,
    long CopiedBytes,
    string? Problem)
{
    public static ReplicationHealth Of(ReplicaStatus status, string? primary) => new(
        primary,
        status.Generation,
        status.Commit,
        status.Sequence,
        status.PrimaryCommit,
        Math.Round(status.LagSeconds(DateTimeOffset.UtcNow), 3),
        status.LagCommits,
        status.LastContact,
        status.CopiedFiles,
        status.CopiedBytes,
        status.Problem);
}

/// <summary>The body of a serving answer: "ready", or "degraded" with the background loop's error (refreshes and commits are being retried) or a replica's replication problem.</summary>
public sealed record HealthStatus(string Status, int Articles, string Generation)
{
    /// <summary>"primary" or "replica".</summary>
    public string Role { get; init; } = "primary";

    /// <summary>A replica's replication state (absent on a primary).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ReplicationHealth? Replication { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? BackgroundError { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>The learned ranking model in force (its fingerprint), or absent: the first stage's ranking.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RankingModel { get; init; }

    /// <summary>Why the configured model file is not in force (unreadable, learnt over other features).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RankingModelProblem { get; init; }
}
