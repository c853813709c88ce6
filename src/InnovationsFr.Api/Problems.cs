using InnovationsFr.Search;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace InnovationsFr.Api;

/// <summary>How errors become RFC 7807 problem+json bodies.</summary>
internal static class Problems
{
    public static int StatusCodeOf(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        IndexUnavailableException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Errors that are answered, not faults: not logged as unhandled (an index still opening, a malformed request).</summary>
    public static bool IsExpected(ExceptionHandlerSuppressDiagnosticsContext context) =>
        context.Exception is BadHttpRequestException or IndexUnavailableException;

    /// <summary>Says what was wrong for the client's errors; never exposes an exception's details otherwise.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var error = context.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        context.ProblemDetails.Extensions.Remove("exception");
        switch (error)
        {
            case BadHttpRequestException bad:
                context.ProblemDetails.Title = "The request is malformed";
                context.ProblemDetails.Detail = bad.Message;
                break;
            case IndexUnavailableException:
                context.ProblemDetails.Title = "The index is not ready";
                context.ProblemDetails.Detail = "The search index is being built or opened; try again in a few seconds.";
                context.HttpContext.Response.Headers.RetryAfter = "5";
                break;
            case not null:
                context.ProblemDetails.Detail = "An unexpected error occurred. It has been logged.";
                break;
        }

        context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        context.ProblemDetails.Extensions["traceId"] = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity.Id ?? context.HttpContext.TraceIdentifier;
    }

    public static Task DescribeApi(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "InnovationsFr Search API";
        document.Info.Description = "French site search for a tech-news site: ranked, highlighted search with tag counts, and article look-up. Routes and JSON speak English; the content is French.";
        return Task.CompletedTask;
    }

    /// <summary>A 400 problem whose errors name the query parameters at fault.</summary>
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Invalid parameters", detail: string.Join(" ", errors.SelectMany(e => e.Value)));
}
