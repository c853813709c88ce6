using System.Globalization;
using System.Text.Json;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InnovationsFr.Api;

/// <summary>
/// /api/admin/wordpress: posts as WordPress's REST API gives them (<c>/wp/v2/posts?_embed</c>), mapped
/// to articles by the same code as <c>InnovationsFr.Indexer import-wp-json</c> (one mapping of a
/// WordPress post, <see cref="WordPressImport.FromRestPost"/>). What the WordPress plugin sends.
/// </summary>
public static class WordPressApi
{
    public static IEndpointRouteBuilder MapWordPressApi(this IEndpointRouteBuilder app)
    {
        var wordpress = app.MapGroup("/api/admin/wordpress").WithTags("WordPress");
        wordpress.MapPut("/posts/{id}", Put)
            .WithName("PutWordPressPost")
            .WithSummary("Publish, replace or withdraw a WordPress post")
            .WithDescription("Body: one post as WordPress's REST API gives it (GET /wp/v2/posts/{id}?_embed: title, content, excerpt, slug, link, date and date_gmt, modified, status, type, password or content.protected, and the embedded author and terms). A published, public post is upserted under its WordPress id; any other (draft, private, password-protected, pending, trash, another post type) is withdrawn. The mapping is import-wp-json's. At most 1 MB. Needs a write key; 421 on a replica.")
            .WithMetadata(new RequestSizeLimitAttribute(AdminApi.MaxArticleBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Write);
        wordpress.MapPost("/posts/bulk", Bulk)
            .WithName("BulkWordPressPosts")
            .WithSummary("Publish, replace or withdraw many WordPress posts")
            .WithDescription("Body: a JSON array of posts as WordPress's REST API gives them (a page of GET /wp/v2/posts?_embed). Each is mapped as by PUT; good posts are applied in one durable batch, unreadable ones listed by their place in the array (1 = first) and skipped; all unreadable: 400. At most 32 MB. Needs a write key; 421 on a replica.")
            .WithMetadata(new RequestSizeLimitAttribute(AdminApi.MaxBulkBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePrimary()
            .RequireAdmin(AdminAccess.Write);
        return app;
    }

    public static async Task<Results<Ok<ArticleChangeResult>, ProblemHttpResult>> Put(string id, HttpContext context, SearchIndex index)
    {
        if (AdminApi.CheckId(id) is { } bad)
        {
            return bad;
        }

        var body = await AdminApi.ReadBodyAsync(context, AdminApi.MaxArticleBytes);
        if (body == null)
        {
            return AdminApi.TooLarge(AdminApi.MaxArticleBytes);
        }

        using var document = Parse(body, out var error);
        if (document == null)
        {
            return TypedResults.Problem(statusCode: 400, title: "The post was refused", detail: error);
        }

        var (change, problem) = Change(document.RootElement, id);
        if (change == null)
        {
            return TypedResults.Problem(statusCode: 400, title: "The post was refused", detail: problem);
        }

        return AdminApi.Applied(index, change);
    }

    public static async Task<Results<Ok<BulkResult>, ProblemHttpResult>> Bulk(HttpContext context, SearchIndex index)
    {
        var body = await AdminApi.ReadBodyAsync(context, AdminApi.MaxBulkBytes);
        if (body == null)
        {
            return AdminApi.TooLarge(AdminApi.MaxBulkBytes);
        }

        using var document = Parse(body, out var error);
        if (document == null || document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return TypedResults.Problem(statusCode: 400, title: "The posts were refused", detail: error ?? "Send a JSON array of posts (a page of /wp/v2/posts?_embed).");
        }

        var changes = new List<IndexChange>();
        var errors = new List<BulkLineError>();
        var rejected = 0;
        var place = 0;
        foreach (var post in document.RootElement.EnumerateArray())
        {
            place++;
            var (change, problem) = Change(post, null);
            if (change != null)
            {
                changes.Add(change);
                continue;
            }

            rejected++;
            if (errors.Count < 1000)
            {
                errors.Add(new BulkLineError(place, IdOf(post), problem!));
            }
        }

        return AdminApi.ApplyBulk(index, changes, errors, rejected, "post", "Send a JSON array of posts.");
    }

    private static JsonDocument? Parse(byte[] body, out string? error)
    {
        error = null;
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "not UTF-8 text.";
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            error = "invalid JSON: " + e.Message.Split(". ")[0] + ".";
            return null;
        }
    }

    /// <summary>A post → an upsert of its article, or a withdrawal of its id when it is not public; or why it cannot be read.</summary>
    private static (IndexChange? Change, string? Problem) Change(JsonElement post, string? routeId)
    {
        if (post.ValueKind != JsonValueKind.Object)
        {
            return (null, "a post must be a JSON object");
        }

        var id = IdOf(post);
        if (id == null)
        {
            return (null, "a post needs its WordPress id (a positive integer)");
        }

        if (routeId != null && id != routeId)
        {
            return (null, $"the post's id ({id}) differs from the URL's ('{routeId}')");
        }

        try
        {
            var mapped = WordPressImport.FromRestPost(post, out _);
            return mapped == null ? (IndexChange.Delete(id), null) : (IndexChange.Upsert(mapped.Article), null);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return (null, e.Message); // the importer names the post; a bulk error carries its id too
        }
    }

    private static string? IdOf(JsonElement post) =>
        post.ValueKind == JsonValueKind.Object && post.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number) && number > 0
            ? number.ToString(CultureInfo.InvariantCulture)
            : null;
}
