using System.ComponentModel;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InnovationsFr.Api;

/// <summary>GET /api/articles/{id}: one article as it was published.</summary>
public static class ArticlesApi
{
    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/articles/{id}", GetArticle)
            .WithName("GetArticle")
            .WithTags("Articles")
            .WithSummary("One article by id");
        app.MapGet("/api/articles/by-slug/{slug}", GetArticleBySlug)
            .WithName("GetArticleBySlug")
            .WithTags("Articles")
            .WithSummary("One article by its slug (what the reader's page address holds)");
        return app;
    }

    public static Results<Ok<Article>, ProblemHttpResult> GetArticle([Description("The article's id.")] string id, SearchIndex index)
    {

        return index.GetArticle(id) is { } article
            ? TypedResults.Ok(article)
            : TypedResults.Problem(title: "Article not found", detail: $"No article has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
    }

    public static Results<Ok<Article>, ProblemHttpResult> GetArticleBySlug([Description("The article's slug.")] string slug, SearchIndex index)
    {

        return index.GetArticleBySlug(slug) is { } article
            ? TypedResults.Ok(article)
            : TypedResults.Problem(title: "Article not found", detail: $"No article has the slug '{slug}'.", statusCode: StatusCodes.Status404NotFound);
    }
}
