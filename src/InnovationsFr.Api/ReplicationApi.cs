using System.ComponentModel;
using InnovationsFr.Api.Index;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace InnovationsFr.Api;

/// <summary>
/// /api/replication on a primary: the manifest of its latest commit and that commit's files, for its
/// replicas (admin read key). A replica answers 421 to them, and to every write, with its primary's address.
/// </summary>
public static class ReplicationApi
{
    /// <summary>Longest a replica's request for a newer commit may wait.</summary>
    public const int MaxWaitMs = 60_000;

    public static IEndpointRouteBuilder MapReplicationApi(this IEndpointRouteBuilder app)
    {
        var replication = app.MapGroup("/api/replication").WithTags("Replication");
        replication.MapGet("/manifest", Manifest)
            .WithName("ReplicationManifest")
            .WithSummary("The latest commit, for replicas")
            .WithDescription("The generation, commit number, segments file, journal sequence, commit time and every file of the primary's latest commit with its length and SHA-256. With generation and after (the commit a replica serves), waits up to waitMs (at most 60000) for a newer commit. The commit stays readable while replicas copy it. Needs a read key; 421 on a replica.")
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Read);
        replication.MapGet("/files/{generation}/{commit:long}/{name}", File)
            .WithName("ReplicationFile")
            .WithSummary("A file of a commit handed out")
            .WithDescription("The bytes of one file of a commit the manifest listed (application/octet-stream, read-only). 404 when that commit is no longer held (a newer one replaced it a minute ago or more): ask for the manifest again. Needs a read key; 421 on a replica.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Read);
        return app;
    }

    public static async Task<Results<Ok<ReplicationManifest>, ValidationProblem, ProblemHttpResult>> Manifest(
        [FromQuery(Name = "generation"), Description("The generation the replica serves.")] string? generation,
        [FromQuery(Name = "after"), Description("The commit the replica serves: wait for a newer one.")] long? after,
        [FromQuery(Name = "waitMs"), Description("How long to wait for a newer commit, 0 to 60000."), DefaultValue(0)] int? waitMs,
        SearchIndex index,
        CancellationToken cancellationToken)
    {
        if (waitMs is < 0 or > MaxWaitMs || after is < 0)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { [after is < 0 ? "after" : "waitMs"] = [after is < 0 ? "after is a commit number, 0 or more." : $"waitMs is 0 to {MaxWaitMs}."] });
        }

        var manifest = await index.Replication.NewerThanAsync(string.IsNullOrEmpty(generation) ? null : generation, after ?? 0, TimeSpan.FromMilliseconds(waitMs ?? 0), cancellationToken);
        return manifest == null
            ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No commit to replicate yet", detail: "The index is being built or opened.")
            : TypedResults.Ok(manifest);
    }

    public static IResult File(string generation, long commit, string name, SearchIndex index)
    {
        var stream = IndexFolder.IsGenerationName(generation) && ReplicationManifest.IsPlainName(name) ? index.Replication.Open(generation, commit, name) : null;
        return stream == null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not a file of a commit held", detail: $"{name} of commit {commit} of {generation} is not held any more (or never was): ask for the manifest again.")
            : TypedResults.Stream(stream, "application/octet-stream");
    }
}

/// <summary>Endpoint filter: what only a primary does (writes, replication) answers 421 on a replica, with the primary's address.</summary>
public static class PrimaryEndpoints
{
    public static RouteHandlerBuilder RequirePrimary(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var settings = context.HttpContext.RequestServices.GetRequiredService<IOptions<SearchSettings>>().Value;
            if (!settings.IsReplica)
            {
                return await next(context);
            }

            var primary = settings.Primary?.TrimEnd('/');
            context.HttpContext.Response.Headers["X-Primary"] = primary;
            return TypedResults.Problem(
                statusCode: StatusCodes.Status421MisdirectedRequest,
                title: "This is a read replica",
                detail: $"Writes go to the primary, {primary}; this replica serves reads of the primary's latest commit.",
                extensions: new Dictionary<string, object?> { ["primary"] = primary });
        }).ProducesProblem(StatusCodes.Status421MisdirectedRequest);
}
