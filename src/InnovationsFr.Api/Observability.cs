using System.Diagnostics;
using System.Diagnostics.Metrics;
using InnovationsFr.Search;
using OpenTelemetry.Metrics;

namespace InnovationsFr.Api;

/// <summary>
/// The engine's own metrics, exported with ASP.NET Core's (request rate and latency per route) at
/// /metrics in Prometheus format through OpenTelemetry: articles, index size, the generation served
/// and how long ago it was opened, result counts and cache hits.
/// </summary>
public sealed class SearchMetrics : IDisposable
{
    public const string MeterName = "InnovationsFr.Search";

    private readonly Meter _meter;

    /// <param name="meters">The host's factory: the meter is scoped to this host, so two hosts in one
    /// process (tests, a replica beside its primary) can each be told apart by a listener.</param>
    public SearchMetrics(IMeterFactory meters, SearchIndex index, ClickLog clicks, IndexReplica replica, Microsoft.Extensions.Options.IOptions<InnovationsFr.Api.Index.SearchSettings> settings)
    {
        _meter = meters.Create(MeterName);
        if (settings.Value.IsReplica)
        {
            _meter.CreateObservableGauge("search.replication.lag", () => replica.Status.LagSeconds(DateTimeOffset.UtcNow), "s", "How stale this replica's copy may be: 0 when it serves the primary's latest commit as last seen.");
            _meter.CreateObservableGauge("search.replication.lag_commits", () => replica.Status.LagCommits, "{commit}", "Commits of the primary this replica does not serve yet.");
            _meter.CreateObservableGauge("search.replication.failing", () => replica.Status.Problem == null ? 0 : 1, null, "1 while this replica cannot copy from its primary (unreachable, or what it sent was refused): it serves its last good commit.");
            _meter.CreateObservableCounter("search.replication.copied", () => replica.Status.CopiedBytes, "By", "Bytes copied from the primary (files this replica lacked).");
            _meter.CreateObservableCounter("search.replication.failures", () => replica.Status.Failures, "{round}", "Replication rounds that failed or were refused.");
        }

        _meter.CreateObservableCounter("search.clicks", () => clicks.Recorded, "{click}", "Result clicks the reader page reported (kept for learning to rank).");
        _meter.CreateObservableGauge("search.ranking.model", () => index.Ranking.Current == null ? 0 : 1, null, "1 while a learned ranking model re-orders searches (its fingerprint: /health/ready).");
        _meter.CreateObservableGauge("search.index.documents", () => index.IsOpen ? index.Stats().Articles : 0, "{article}", "Live articles in the index served.");
        _meter.CreateObservableGauge("search.index.size", () => IndexBytes(index), "By", "Bytes of the index generation served.");
        _meter.CreateObservableGauge("search.index.generation", () => Generation(index), null, "1 for the generation served (its name in the generation label).");
        _meter.CreateObservableGauge("search.index.age", () => index.OpenedAt is { } opened ? (DateTimeOffset.UtcNow - opened).TotalSeconds : 0, "s", "Seconds since the generation served was opened: how stale a rebuild-only index may be.");
        _meter.CreateObservableCounter("search.background.failures", () => index.BackgroundFailures, "{tick}", "Failed ticks of the refresh/commit loop (it retries each tick).");
        _meter.CreateObservableGauge("search.background.failing", () => index.BackgroundError == null ? 0 : 1, null, "1 while the refresh/commit loop fails: writes are acknowledged but not made visible or committed.");
        Results = _meter.CreateHistogram<long>("search.results", "{article}", "Articles a search found.");
        _meter.CreateObservableCounter("search.cache.hits", () => index.CacheStats.Hits, "{request}", "Searches and tag clouds served from the answer cache.");
        _meter.CreateObservableCounter("search.cache.misses", () => index.CacheStats.Misses, "{request}", "Searches and tag clouds computed (not in the cache).");
    }

    public Histogram<long> Results { get; }

    private static long IndexBytes(SearchIndex index)
    {
        var path = index.OpenGenerationPath;
        try
        {
            return path == null ? 0 : new DirectoryInfo(path).EnumerateFiles().Sum(f => f.Length);
        }
        catch (IOException)
        {
            return 0; // swept between listing and reading
        }
    }

    private static IEnumerable<Measurement<int>> Generation(SearchIndex index)
    {
        var path = index.OpenGenerationPath;
        return path == null ? [] : [new Measurement<int>(1, new KeyValuePair<string, object?>("generation", Path.GetFileName(path)))];
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>
/// One structured log line per request: method, route, status, duration and result count (what
/// the endpoint put in <see cref="ResultsItem"/>); the client address only when
/// Logging:Requests:IncludeClientIp is true (off by default: it is personal data).
/// </summary>
public static partial class RequestLog
{
    public const string ResultsItem = "results";

    public static IApplicationBuilder UseRequestLog(this WebApplication app)
    {
        var includeIp = app.Configuration.GetValue<bool>("Logging:Requests:IncludeClientIp");
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InnovationsFr.Requests");
        return app.Use(async (context, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(static or unmatched)";
                var results = context.Items.TryGetValue(ResultsItem, out var count) ? count as long? : null;
                var ms = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 2);
                if (includeIp)
                {
                    LogRequestWithClient(logger, context.Request.Method, route, context.Response.StatusCode, ms, results, context.Connection.RemoteIpAddress?.ToString());
                }
                else
                {
                    LogRequest(logger, context.Request.Method, route, context.Response.StatusCode, ms, results);
                }
            }
        });
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "request {Method} {Route} {Status} {DurationMs} ms results={Results}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double durationMs, long? results);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "request {Method} {Route} {Status} {DurationMs} ms results={Results} client={ClientIp}")]
    private static partial void LogRequestWithClient(ILogger logger, string method, string route, int status, double durationMs, long? results, string? clientIp);
}

/// <summary>Registration of the metrics.</summary>
public static class MetricsServices
{
    /// <summary>The engine's metrics with ASP.NET Core's, exported for Prometheus (mapped at /metrics).</summary>
    public static IServiceCollection AddSearchMetrics(this IServiceCollection services)
    {
        services.AddSingleton<SearchMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(SearchMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }
}
