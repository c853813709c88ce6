using System.ComponentModel;
using System.Text.Json;
using InnovationsFr.Api.Index;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace InnovationsFr.Api;

/// <summary>What a write did: the article, what happened to it, and the change's sequence number in the journal.</summary>
public sealed record ArticleChangeResult(string Id, string Action, long Sequence);

/// <summary>A refused line of a bulk request.</summary>
public sealed record BulkLineError(int Line, string? Id, string Message);

/// <summary>What a bulk request did: the good lines are applied (durably), the bad ones listed by line.</summary>
public sealed record BulkResult(int Upserted, int Deleted, int Rejected, IReadOnlyList<BulkLineError> Errors, long Sequence);

/// <summary>A rebuild's progress or outcome, as GET /api/admin/reindex shows it.</summary>
public sealed record ReindexStatus(
    string State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long Articles,
    long Skipped,
    double? Percent,
    long JournalChanges,
    string? Generation,
    string? Error,
    IReadOnlyList<string> Problems)
{
    public static ReindexStatus From(RebuildStatus status) => new(
        status.State.ToString().ToLowerInvariant(),
        status.StartedAt,
        status.FinishedAt,
        status.Articles,
        status.Skipped,
        status.State == RebuildState.Succeeded ? 100 : status.TotalBytes > 0 ? Math.Round(100.0 * status.BytesRead / status.TotalBytes, 1) : null,
        status.JournalChanges,
        status.Generation,
        status.Error,
        status.Problems.Select(p => p.ToString()).ToList());
}

/// <summary>/api/admin: what editors and operators read and change, behind API keys.</summary>
public static class AdminApi
{
    /// <summary>Largest body of PUT /api/admin/articles/{id}.</summary>
    public const int MaxArticleBytes = 1024 * 1024;

    /// <summary>Largest body of POST /api/admin/articles/bulk (NDJSON): 32 MB, about 10,000 articles of 3 KB.</summary>
    public const int MaxBulkBytes = 32 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin");
        admin.MapGet("/zero-results", ZeroResults)
            .WithName("ZeroResults")
            .WithSummary("Queries that found nothing")
            .WithDescription("The readers' queries that found no article, most frequent first, with their count and when last seen (query text only: no IP or other personal data; at most 1,000 queries are kept). Needs an X-Api-Key from Admin:ReadKeys or Admin:WriteKeys; answers 404 when no key is configured.")
            .RequireAdmin(AdminAccess.Read);

        admin.MapGet("/clicks", Clicks)
            .WithName("Clicks")
            .WithSummary("Readers' clicks on results")
            .WithDescription("Per query and article, within the window (Search:ClickWindowDays, default 90): clicks and their position-weighted sum (√rank, capped at rank 20), most weighted first. Query text only, masked: nothing about readers. Needs a read key.")
            .RequireAdmin(AdminAccess.Read);

        admin.MapGet("/clicks/judgments", ClickJudgments)
            .WithName("ClickJudgments")
            .WithSummary("Readers' clicks as judgments for learn-ranking")
            .WithDescription("Tab-separated \"query, article, grade\" lines: per query, the most clicked article (position-weighted) grade 2, articles with at least 30 % of its weight grade 1. Save it and pass it to `InnovationsFr.Indexer learn-ranking --clicks FILE`. Needs a read key.")
            .Produces<string>(StatusCodes.Status200OK, "text/tab-separated-values")
            .RequireAdmin(AdminAccess.Read);

        admin.MapPut("/articles/{id}", Upsert)
            .WithName("UpsertArticle")
            .WithSummary("Publish or replace an article")
            .WithDescription("Body: one article in the corpus format ({id?, title, publishedAt, slug?, url?, summary?, body?, author?, updatedAt?, rubric?, tags?}; the id defaults to the URL's). A \"status\" other than \"publish\" (draft, future, private, trash…) withdraws the article instead. Acknowledged = durable (journal flushed to disk); searchable within a second. At most 1 MB (larger: 413). Needs a write key.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxArticleBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Write);

        admin.MapDelete("/articles/{id}", Delete)
            .WithName("DeleteArticle")
            .WithSummary("Withdraw an article")
            .WithDescription("Removes the article from search within a second, durably (also from later rebuilds: the journal keeps the withdrawal). Idempotent: withdrawing an id that is not indexed is not an error. Needs a write key.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Write);

        admin.MapPost("/articles/bulk", Bulk)
            .WithName("BulkArticles")
            .WithSummary("Publish, replace or withdraw many articles")
            .WithDescription("Body: NDJSON (application/x-ndjson), one article per line in the corpus format; a line with a \"status\" other than \"publish\" withdraws its id. At most 32 MB (larger: 413, nothing applied). Good lines are applied in one durable batch (the last line of an id wins); bad lines are listed by line number and skipped. All lines bad: 400. Needs a write key.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBulkBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Write);

        admin.MapPost("/reindex", StartReindex)
            .WithName("StartReindex")
            .WithSummary("Rebuild the index from the corpus")
            .WithDescription("Rebuilds the whole index from the configured corpus, with the admin journal (every change made through this API) applied over it, in the background; searches and writes go on against the live index, and the new one is swapped in atomically when complete. 202 with the progress; 409 when a rebuild is already running. Needs a write key.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Write);

        admin.MapGet("/reindex", ReindexProgress)
            .WithName("ReindexProgress")
            .WithSummary("The rebuild's progress")
            .WithDescription("State (idle, running, succeeded, failed), articles so far, percent of the corpus read, and the outcome. Needs a read key.")
            .RequireAdmin(AdminAccess.Read);
        return app;
    }

    public static Results<Ok<ClickReport>, ValidationProblem> Clicks(
        [FromQuery(Name = "limit"), Description("Query-article pairs listed, 1 to 50000."), DefaultValue(100)] int? limit,
        ClickLog log)
    {
        if (limit is < 1 or > ClickLog.MaxEntries)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"limit is 1 to {ClickLog.MaxEntries}."] });
        }

        return TypedResults.Ok(log.Report(limit ?? 100));
    }

    public static IResult ClickJudgments(ClickLog log) => TypedResults.Text(log.Judgments(), "text/tab-separated-values; charset=utf-8");

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

    public static async Task<Results<Ok<ArticleChangeResult>, ProblemHttpResult>> Upsert(string id, HttpContext context, SearchIndex index)
    {
        if (CheckId(id) is { } bad)
        {
            return bad;
        }

        var body = await ReadBodyAsync(context, MaxArticleBytes);
        if (body == null)
        {
            return TooLarge(MaxArticleBytes);
        }

        var (change, error) = ParseChange(body, id);
        if (change == null)
        {
            return TypedResults.Problem(statusCode: 400, title: "The article was refused", detail: error);
        }

        return Applied(index, change);
    }

    /// <summary>Applies one change durably and says what it did.</summary>
    internal static Ok<ArticleChangeResult> Applied(SearchIndex index, IndexChange change) =>
        TypedResults.Ok(new ArticleChangeResult(change.Id, change.IsDelete ? "deleted" : "upserted", index.Apply([change])));

    public static Results<Ok<ArticleChangeResult>, ProblemHttpResult> Delete(string id, SearchIndex index)
    {
        if (CheckId(id) is { } bad)
        {
            return bad;
        }

        var sequence = index.Apply([IndexChange.Delete(id)]);
        return TypedResults.Ok(new ArticleChangeResult(id, "deleted", sequence));
    }

    public static async Task<Results<Ok<BulkResult>, ProblemHttpResult>> Bulk(HttpContext context, SearchIndex index)
    {
        var body = await ReadBodyAsync(context, MaxBulkBytes);
        if (body == null)
        {
            return TooLarge(MaxBulkBytes);
        }

        var changes = new List<IndexChange>();
        var errors = new List<BulkLineError>();
        var rejected = 0;
        // Lines are cut and parsed as the UTF-8 bytes they came as (decoding the body to a string,
        // then each line back to UTF-8 for the parser, was a twentieth of a bulk's time).
        ReadOnlyMemory<byte> rest = body;
        if (rest.Span.StartsWith(Utf8ByteOrderMark))
        {
            rest = rest[Utf8ByteOrderMark.Length..];
        }

        var number = 0;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            number++;
            if (line.Span.Trim(" \t\r\f\v"u8).IsEmpty)
            {
                continue;
            }

            var (change, error) = ParseChange(line, null);
            if (change != null)
            {
                changes.Add(change);
                continue;
            }

            rejected++;
            if (errors.Count < 1000)
            {
                errors.Add(new BulkLineError(number, IdOf(line), error!));
            }
        }

        return ApplyBulk(index, changes, errors, rejected, "line", "Send one article per line (NDJSON).");
    }

    /// <summary>
    /// Applies a bulk request's good items in one durable batch and says what was done and refused;
    /// 400 when none was good (each refusal named by its <paramref name="item"/> number).
    /// </summary>
    internal static Results<Ok<BulkResult>, ProblemHttpResult> ApplyBulk(SearchIndex index, List<IndexChange> changes, List<BulkLineError> errors, int rejected, string item, string whenEmpty)
    {
        if (changes.Count == 0)
        {
            var problem = new ProblemDetails
            {
                Status = 400,
                Title = rejected == 0 ? "The bulk request is empty" : $"No {item} of the bulk request was accepted",
                Detail = rejected == 0 ? whenEmpty : string.Join(" ", errors.Take(5).Select(e => $"{item} {e.Line}: {e.Message}")),
            };
            problem.Extensions["errors"] = errors;
            return TypedResults.Problem(problem);
        }

        var sequence = index.Apply(changes);
        var deleted = changes.Count(c => c.IsDelete);
        return TypedResults.Ok(new BulkResult(changes.Count - deleted, deleted, rejected, errors, sequence));
    }

    public static Results<Accepted<ReindexStatus>, ProblemHttpResult> StartReindex(SearchIndex index, IOptions<SearchSettings> settings, IHostEnvironment environment)
    {
        var corpus = SearchSettings.Resolve(settings.Value.CorpusPath, environment.ContentRootPath);
        if (!File.Exists(corpus))
        {
            return TypedResults.Problem(statusCode: 409, title: "No corpus to rebuild from", detail: $"The configured corpus (Search:CorpusPath) does not exist: {Path.GetFileName(corpus)}.");
        }

        var aliases = TagAliases.Load(SearchSettings.Resolve(settings.Value.TagAliasesPath, environment.ContentRootPath));
        if (!index.StartRebuild([corpus], new BuildOptions { TagAliases = aliases }))
        {
            return TypedResults.Problem(statusCode: 409, title: "A rebuild is already running", detail: "Follow it with GET /api/admin/reindex.");
        }

        return TypedResults.Accepted("/api/admin/reindex", ReindexStatus.From(index.Rebuild));
    }

    public static Ok<ReindexStatus> ReindexProgress(SearchIndex index) => TypedResults.Ok(ReindexStatus.From(index.Rebuild));

    /// <summary>
    /// A line or body → a change: an article to upsert, or, when its "status" is not "publish"
    /// (WordPress's draft, future, pending, private, trash…), a withdrawal of its id.
    /// </summary>
    internal static (IndexChange? Change, string? Error) ParseChange(ReadOnlyMemory<byte> json, string? routeId)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return (null, "not UTF-8 text: send articles as UTF-8.");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, "invalid JSON: " + e.Message.Split(". ")[0] + ".");
        }

        using (doc)
        {
            try
            {
                return ParseChange(doc.RootElement, routeId);
            }
            catch (InvalidOperationException)
            {
                // Values are read after their kind is checked: what is left is a string that does not decode.
                return (null, CorpusReader.NotUnicode);
            }
        }
    }

    private static (IndexChange? Change, string? Error) ParseChange(JsonElement root, string? routeId)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "an article must be a JSON object");
        }

        var hasId = root.TryGetProperty("id", out var idValue) && idValue.ValueKind != JsonValueKind.Null;
        var id = hasId && idValue.ValueKind == JsonValueKind.String ? idValue.GetString()!.Trim() : null;
        if (routeId != null && hasId && id != routeId)
        {
            return (null, $"the body's id differs from the URL's ('{routeId}')");
        }

        if (root.TryGetProperty("status", out var status) && status.ValueKind != JsonValueKind.Null)
        {
            if (status.ValueKind != JsonValueKind.String)
            {
                return (null, "'status' must be a string (publish, draft, future, private, trash…)");
            }

            if (!IsPublished(status.GetString()!))
            {
                id ??= routeId;
                return id is { Length: > 0 and <= 200 } ? (IndexChange.Delete(id), null) : (null, "missing id");
            }
        }

        var entry = CorpusReader.Parse("request", 1, root, routeId);
        return entry.Article == null ? (null, entry.Problem) : (IndexChange.Upsert(entry.Article), null);
    }

    private static bool IsPublished(string status) =>
        status.Trim().Equals("publish", StringComparison.OrdinalIgnoreCase) || status.Trim().Equals("published", StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static string? IdOf(ReadOnlyMemory<byte> line)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line.Span))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static ProblemHttpResult? CheckId(string id) =>
        string.IsNullOrWhiteSpace(id) || id.Length > 200 || id.Trim() != id
            ? TypedResults.Problem(statusCode: 400, title: "Invalid article id", detail: "An id is 1 to 200 characters, without surrounding spaces.")
            : null;

    internal static ProblemHttpResult TooLarge(int max) =>
        TypedResults.Problem(statusCode: 413, title: "The body is too large", detail: $"This endpoint accepts at most {max / (1024 * 1024)} MB; nothing was applied. Split the load into several requests.");

    /// <summary>The body, or null when it is larger than <paramref name="max"/> bytes (read no further).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpContext context, int max)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        if (context.Request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }
}
