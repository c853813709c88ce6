using InnovationsFr.Api;
using InnovationsFr.Api.Index;
using Scalar.AspNetCore;

// Admin writes block a thread while the journal is flushed to disk (fsync) and while they wait for
// the writer; on 2 cores the pool starts with 2 threads and adds more only slowly, so a few writes
// a second queued every search behind them (p50 1.9 → 93 ms at 50 upserts/s). Searches are short
// and CPU-bound: a larger floor costs nothing.
ThreadPool.GetMinThreads(out var workers, out var completions);
ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(completions, 64));

var builder = WebApplication.CreateBuilder(args);

// A replica without its primary cannot serve anything: say so plainly and stop (exit code 2).
if (builder.Configuration.GetSection(SearchSettings.Section).Get<SearchSettings>()?.RoleProblem() is { } roleProblem)
{
    Console.Error.WriteLine($"InnovationsFr Search cannot start: {roleProblem}.");
    return 2;
}

// No request body beyond 1 MB (the largest, POST /api/related, needs 100 KB of text).
builder.WebHost.ConfigureKestrel(options => options.Limits.MaxRequestBodySize = 1024 * 1024);

// The index (one SearchIndex for the process), its start-up build, and the zero-result log.
builder.Services.AddSearchIndex();

// French stays readable in JSON (é, not \u00e9); snippets are already HTML-escaped by the engine.
builder.Services.ConfigureHttpJsonOptions(options =>
    options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

// Widgets on other sites read the GET endpoints: CORS for the origins configured (none by default).
builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy
    .WithOrigins(builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [])
    .WithMethods("GET")
    .WithHeaders("If-None-Match")
    .WithExposedHeaders("ETag")));

// Behind a reverse proxy, the client is the one its X-Forwarded-For names, from configured proxies only.
builder.Services.AddForwardedClients(builder.Configuration);

// Per-client limits on the public endpoints (RateLimit:PermitLimit per RateLimit:WindowSeconds).
builder.Services.AddPublicRateLimits(builder.Configuration);

// Admin endpoints: API keys (Admin:ReadKeys, Admin:WriteKeys; none → 404), wrong keys limited per client.
builder.Services.AddAdminKeys();

// Metrics: ASP.NET Core's request rate and latency per route, and the engine's own, at /metrics (Prometheus).
builder.Services.AddSearchMetrics();

// Every error is problem+json, and none carries a stack trace.
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddOpenApi(options => options.AddDocumentTransformer(Problems.DescribeApi));

var app = builder.Build();

// The engine's gauges exist from the start, not from the first search that asks for the metrics.
app.Services.GetRequiredService<SearchMetrics>();

// The client's address first (from configured proxies), so that limits and logs see the reader.
app.UseForwardedClients();

// One structured line per request, outermost so it sees the final status.
app.UseRequestLog();

// Binding failures (size=abc) are the client's fault: their own 4xx, not a 500.
app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = Problems.StatusCodeOf, SuppressDiagnosticsCallback = Problems.IsExpected });
app.UseStatusCodePages();
app.UseCors();
app.UseRateLimiter();

app.MapPages();
app.MapOpenApi();
app.MapScalarApiReference("/docs", options => options.WithTitle("InnovationsFr Search API"));
// The public endpoints share the per-client rate limit; admin (keyed), health and the pages do not.
var publicApi = app.MapGroup("").RequireRateLimiting(Limits.PublicPolicy);
publicApi.MapSearchApi();
publicApi.MapSuggestApi();
publicApi.MapArticlesApi();
publicApi.MapTagsApi();
publicApi.MapRelatedApi();
publicApi.MapClicksApi();
app.MapAdminApi();
// WordPress posts as its REST API gives them, mapped as import-wp-json maps them (the plugin's pushes).
app.MapWordPressApi();
// A primary's latest commit for its replicas (admin-keyed); on a replica, writes answer 421.
app.MapReplicationApi();
app.MapHealthApi();
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();
return 0;
