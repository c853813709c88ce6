namespace InnovationsFr.Api;

/// <summary>
/// The reader's pages: the search page at /, the article view at /articles/{slug} and tag pages at
/// /tags/{slug} (one HTML shell, rendered by /app.js from the API), and the embeddable tag-cloud
/// widget at /widget/tag-cloud.js. Plain files from wwwroot: no build toolchain, nothing from a CDN.
/// </summary>
public static class Pages
{
    /// <summary>Scripts, styles and data from this origin only; no inline script, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication MapPages(this WebApplication app)
    {
        var shell = Path.Combine(app.Environment.WebRootPath ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"), "index.html");
        IResult Page(HttpContext context)
        {
            Secure(context.Response);
            context.Response.Headers.CacheControl = "no-cache";
            return Results.File(shell, "text/html; charset=utf-8");
        }

        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                Secure(context.Context.Response);
                context.Context.Response.Headers.CacheControl = "public, max-age=300";
            },
        });
        app.MapGet("/", Page).ExcludeFromDescription();
        app.MapGet("/articles/{slug}", Page).ExcludeFromDescription();
        app.MapGet("/tags/{slug}", Page).ExcludeFromDescription();
        return app;
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
    }
}
